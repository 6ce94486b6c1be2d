// The client list's "Attribute" filter: builds the parameter `attr.<key>[__op]=value` (the one
// ClientFilter parses) as a hidden field of the filter form and submits it. The inputs of the
// dropdown have no names, so the form never sends them as they are.
(function () {
  "use strict";

  function setUp() {
    const form = document.getElementById("filter-form");
    const data = document.getElementById("attribute-filter-data");
    if (!form || !data) return;
    const attributes = JSON.parse(data.textContent);
    const key = document.getElementById("attribute-filter-key");
    const op = document.getElementById("attribute-filter-op");
    const value = document.getElementById("attribute-filter-value");
    const options = document.getElementById("attribute-filter-options");

    function current() {
      return attributes.find((a) => a.key === key.value) || attributes[0];
    }

    function refresh() {
      const attribute = current();
      for (const option of op.options) {
        option.hidden = !option.dataset.types.split(" ").includes(attribute.type);
      }
      if (op.selectedOptions[0] && op.selectedOptions[0].hidden) op.value = "";
      value.type = attribute.type === "date" ? "date" : "text";
      value.disabled = op.value.startsWith("__isnull");
      options.replaceChildren(
        ...attribute.values.map((text) => Object.assign(document.createElement("option"), { value: text }))
      );
    }

    document.getElementById("attribute-filter-add").addEventListener("click", function () {
      const attribute = current();
      const [suffix, fixed] = op.value.split("=");
      const input = document.createElement("input");
      input.type = "hidden";
      input.dataset.attributeCondition = "";
      input.name = "attr." + attribute.key + suffix;
      input.value = fixed !== undefined ? fixed : value.value;
      form.appendChild(input);
      form.requestSubmit();
    });
    // A chip removed (or a page loaded) by htmx changes the address: the form's conditions follow it.
    document.body.addEventListener("htmx:pushedIntoHistory", function () {
      form.querySelectorAll("input[data-attribute-condition]").forEach((input) => input.remove());
      for (const [name, text] of new URLSearchParams(window.location.search)) {
        if (!name.startsWith("attr.")) continue;
        const input = Object.assign(document.createElement("input"), { type: "hidden", name: name, value: text });
        input.dataset.attributeCondition = "";
        form.appendChild(input);
      }
    });
    key.addEventListener("change", refresh);
    op.addEventListener("change", refresh);
    refresh();
  }

  document.addEventListener("DOMContentLoaded", setUp);
})();
