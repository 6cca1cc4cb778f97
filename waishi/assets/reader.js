// The reader opens at its sentence: scroll it into the middle of the reader's box.
watch("value", () => {
  const current = element.querySelector(".waishi-reader li.current");
  if (current) current.scrollIntoView({ block: "center" });
});
