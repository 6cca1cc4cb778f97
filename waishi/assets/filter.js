(goals, types) => {
  // the graph page draws a filter at once, from what it holds; the server's view follows
  const frame = document.querySelector("#graph-view iframe");
  if (frame && frame.contentWindow) {
    frame.contentWindow.postMessage({ waishi: "filter", goals, types }, "*");
  }
}
