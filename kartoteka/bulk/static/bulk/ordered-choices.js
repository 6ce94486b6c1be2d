// Ordered multiple choices on the bulk confirmation page (an export's columns): the arrows move a
// row up or down; the form sends the ticked values in the order the rows stand.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-ordered-choices] [data-move]");
  if (!button) return;
  const row = button.closest("li");
  if (button.dataset.move === "up" && row.previousElementSibling) {
    row.parentNode.insertBefore(row, row.previousElementSibling);
  } else if (button.dataset.move === "down" && row.nextElementSibling) {
    row.parentNode.insertBefore(row.nextElementSibling, row);
  }
  button.focus();
});
