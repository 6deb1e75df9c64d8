// The running total of a ballot's chosen projects, announced in its polite live region (#ballot-total).
// Without this script the form works the same; the total is then the one of the last sent ballot.
(function () {
  "use strict";
  document.querySelectorAll("form[data-ballot]").forEach(function (form) {
    var output = form.querySelector("[data-ballot-total]");
    if (!output) return;
    var budget = parseFloat(form.dataset.budget);
    var money = new Intl.NumberFormat(document.documentElement.lang || "fr", {
      style: "currency", currency: "EUR", maximumFractionDigits: 0,
    });
    function update() {
      var count = 0, total = 0;
      form.querySelectorAll("input[name=projects]:checked").forEach(function (box) {
        count += 1;
        total += parseFloat(box.dataset.cost) || 0;
      });
      var text = output.dataset.text.replace("{count}", count).replace("{total}", money.format(total));
      if (!isNaN(budget)) {
        text += " " + (total > budget
          ? output.dataset.overText.replace("{over}", money.format(total - budget))
          : output.dataset.leftText.replace("{left}", money.format(budget - total)));
      }
      output.textContent = text;
      output.classList.toggle("ballot-over", !isNaN(budget) && total > budget);
    }
    form.addEventListener("change", update);
  });
})();
