// Paging and sorting of a SPARQL result: the server keeps the result, the page asks for a page.
element.addEventListener("click", (event) => {
  const target = event.target instanceof Element ? event.target : null;
  if (!target) return;
  const table = target.closest(".sparql-table");
  if (!table) return;
  const button = target.closest("button[data-page]");
  if (button && !button.disabled) {
    trigger("turn", { result: table.dataset.result, page: Number(button.dataset.page),
                      sort: table.dataset.sort, descending: table.dataset.descending === "true" });
    return;
  }
  const head = target.closest("th[data-sort]");
  if (head) {
    const column = head.dataset.sort;
    const descending = table.dataset.sort === column && table.dataset.descending !== "true";
    trigger("sort", { result: table.dataset.result, page: 0, sort: column, descending });
  }
});
