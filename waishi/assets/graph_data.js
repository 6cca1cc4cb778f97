// Sends each new view to the drawn graph page, which applies it in place (and asks for the
// latest one when it has just loaded).
const send = () => {
  const frame = document.querySelector("#graph-view iframe");
  if (frame && frame.contentWindow && props.value) {
    frame.contentWindow.postMessage({ waishi: "update", data: props.value }, "*");
  }
};
watch("value", send);
window.addEventListener("message", (event) => {
  if (event.data && event.data.waishi === "ready") send();
});
