/* Django admin: give a name to the fields it draws without one (axe-core,
 * tests/browser/test_staff_axe.py):
 * - an autocomplete field (select2) is a combobox named only by the choice
 *   it shows, inside a "textbox" with no name of its own;
 * - the cells of a tabular inline have a column header but no label;
 * - the date and time boxes of a date-time field share one label.
 */
(function () {
  "use strict";

  const text = (element) => element.textContent.replace(/\s+/g, " ").trim().replace(/:$/, "");

  function labelFor(id) {
    return id ? document.querySelector('label[for="' + CSS.escape(id) + '"]') : null;
  }

  function columnName(field) {
    const cell = field.closest("td");
    const table = field.closest("table");
    const column = cell && [...cell.classList].find((name) => name.startsWith("field-"));
    const header = column && table.querySelector("thead th.column-" + column.slice(6));
    return header ? text(header) : "";
  }

  function nameAutocomplete(select) {
    const box = select.parentElement.querySelector('.select2-selection[role="combobox"]');
    if (!box) return;
    const shown = box.querySelector('.select2-selection__rendered[role="textbox"]');
    if (shown) {
      // Only the combobox is the field; this just shows its choice.
      shown.removeAttribute("role");
      shown.removeAttribute("aria-readonly");
    }
    const label = labelFor(select.id);
    const names = (box.getAttribute("aria-labelledby") || "").split(/\s+/).filter(Boolean);
    if (label) {
      if (!label.id) label.id = select.id + "-label";
      if (!names.includes(label.id)) names.unshift(label.id);
      box.setAttribute("aria-labelledby", names.join(" "));
    } else if (!box.hasAttribute("aria-label")) {
      box.setAttribute("aria-label", columnName(select));
    }
  }

  function nameFields() {
    document.querySelectorAll("select.admin-autocomplete").forEach(nameAutocomplete);
    document
      .querySelectorAll("input:not([type=hidden]), select:not(.admin-autocomplete), textarea")
      .forEach((field) => {
        if ((field.labels && field.labels.length) || field.hasAttribute("aria-label")) return;
        let name = columnName(field);
        if (!name && field.closest("td.delete")) name = "Hapus baris ini";
        const row = field.closest(".form-row");
        if (!name && row && field.closest("p.datetime")) {
          // "Tanggal: <input> Waktu: <input>": the row's label and the word before the box.
          const before = field.previousSibling;
          const rowName = row.querySelector("label, legend");
          name = [rowName && text(rowName), before && text(before)]
            .filter(Boolean)
            .join(" — ");
        }
        if (name) field.setAttribute("aria-label", name);
      });
  }

  window.addEventListener("load", () => {
    nameFields();
    // select2 may draw (or draw again) its box after this: name it whenever it does.
    const rename = () =>
      document.querySelectorAll("select.admin-autocomplete").forEach(nameAutocomplete);
    new MutationObserver(rename).observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ["role"],
    });
  });
  // A new inline row gets its widgets from Django's handlers of the same event.
  document.addEventListener("formset:added", () => setTimeout(nameFields, 0));
})();
