// One listener for the whole page, installed by the hidden bridge component: links that open an
// entity (data-iri) or a report at a sentence (data-read), the reader's close button, the
// entity list's filter box, and the graph page's clicks and double-clicks (postMessage).
if (!window.waishiBridge) {
  window.waishiBridge = true;
  document.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    const close = target.closest(".close-reader");
    if (close) {
      event.preventDefault();
      const reader = close.closest(".waishi-reader");
      if (reader) reader.remove();
      return;
    }
    const grow = target.closest("[data-grow]");
    if (grow) {
      event.preventDefault();
      trigger("grow", { iri: grow.dataset.grow });
      return;
    }
    const read = target.closest("[data-read]");
    if (read) {
      event.preventDefault();
      trigger("read", { at: read.dataset.read });
      return;
    }
    const open = target.closest("[data-iri]");
    if (open && !open.closest("#world-map .legend")) {
      event.preventDefault();
      trigger("open", { iri: open.dataset.iri });
    }
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") document.querySelectorAll(".waishi-reader").forEach((r) => r.remove());
  });
  document.addEventListener("input", (event) => {
    const box = event.target;
    if (!(box instanceof HTMLInputElement) || !box.matches(".entity-filter")) return;
    const words = box.value.trim().toLowerCase();
    const list = box.closest(".entity-list");
    list.querySelectorAll("li").forEach((item) => {
      const link = item.firstElementChild;
      item.hidden = Boolean(words) && !(link.dataset.words.includes(words)
        || link.textContent.toLowerCase().includes(words));
    });
    list.querySelectorAll("section").forEach((group) => {
      group.hidden = !group.querySelector("li:not([hidden])");
    });
  });
  window.addEventListener("message", (event) => {
    const message = event.data;
    if (!message || typeof message.iri !== "string") return;
    if (message.waishi === "node") trigger("node", { iri: message.iri });
    else if (message.waishi === "expand") trigger("grow", { iri: message.iri });
  });
}
