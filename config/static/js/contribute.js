/* Votes and supports in place. Every form works without this script; with it, the page asks for JSON
   and updates itself instead of reloading, and a live region tells screen readers what happened. */
(function () {
  "use strict";

  var live = document.getElementById("live-status");

  function announce(text) {
    if (!live || !text) return;
    live.textContent = "";
    window.setTimeout(function () { live.textContent = text; }, 50);
  }

  // The confirmation beside what the person acted on (consultations/confirmations.py): shown there and
  // given the focus, so that nobody has to look for it at the top of the page.
  function confirmHere(after, text) {
    var note = after.parentNode.querySelector("[data-confirmation]");
    if (!note) {
      note = document.createElement("p");
      note.className = "confirmation";
      note.setAttribute("tabindex", "-1");
      note.setAttribute("data-confirmation", "");
      after.insertAdjacentElement("afterend", note);
    }
    note.textContent = text;
    note.focus();
    announce(text);
  }

  function send(form, submitter) {
    var data = new FormData(form);
    if (submitter && submitter.name) data.append(submitter.name, submitter.value);
    return fetch(form.action, {
      method: "POST",
      body: data,
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) throw new Error(body.error || response.statusText);
        return body;
      });
    });
  }

  function fail(form, error) {
    announce(error.message);
    var note = form.querySelector(".form-error");
    if (!note) {
      note = document.createElement("p");
      note.className = "form-error errorlist";
      note.setAttribute("role", "alert");
      form.appendChild(note);
    }
    note.textContent = error.message;
  }

  // A row of the statements table: mark my vote and move one count from the old value to the new.
  function voted(form, body) {
    var row = form.closest("tr");
    var before = form.querySelector('button[aria-pressed="true"]');
    form.querySelectorAll("button").forEach(function (button) {
      button.setAttribute("aria-pressed", String(Number(button.value) === body.vote));
    });
    if (row) {
      if (before) bump(row, before.value, -1);
      bump(row, String(body.vote), 1);
    }
    confirmHere(form, body.message);
  }

  function bump(row, value, step) {
    var cell = row.querySelector('[data-count="' + value + '"]');
    if (cell) cell.textContent = String(Number(cell.textContent) + step);
  }

  // The card on the consultation page: fetch the next statement and give it the focus.
  function nextCard(form, body) {
    var deck = document.getElementById("statement-deck");
    return fetch(deck.dataset.deckUrl, { credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        deck.innerHTML = html;
        bind(deck);
        var focus = deck.querySelector("legend") || deck.querySelector(".notice");
        if (focus) {
          focus.setAttribute("tabindex", "-1");
          focus.focus();
        }
        announce(body.message);
      });
  }

  function supported(form, body) {
    var field = form.querySelector('input[name="supporting"]');
    var button = form.querySelector("button");
    field.value = body.supporting ? "0" : "1";
    button.textContent = body.supporting ? form.dataset.labelWithdraw : form.dataset.labelSupport;
    button.setAttribute("aria-pressed", String(body.supporting));
    button.classList.toggle("button-secondary", body.supporting);
    var box = form.closest("[data-support-box]") || form.closest(".card");
    var count = box && box.querySelector("[data-supports]");
    if (count) count.textContent = body.supports_label;
    confirmHere(form, body.message);
  }

  var handlers = { vote: voted, deck: nextCard, support: supported };

  function bind(root) {
    root.querySelectorAll("form[data-enhance]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var buttons = form.querySelectorAll("button");
        buttons.forEach(function (button) { button.disabled = true; });
        send(form, event.submitter)
          .then(function (body) { return handlers[form.dataset.enhance](form, body); })
          .catch(function (error) { fail(form, error); })
          .finally(function () { buttons.forEach(function (button) { button.disabled = false; }); });
      });
    });
  }

  // While an idea's title is typed, show the similar ideas already proposed (the server compares words).
  function suggest(form) {
    var box = document.getElementById("similar-ideas");
    var title = form.querySelector('[name="title"]');
    var text = form.querySelector('[name="text"]');
    if (!box || !title) return;
    var timer = null;
    var asked = "";
    function ask() {
      var query = new URLSearchParams({ title: title.value, text: text ? text.value : "" }).toString();
      if (title.value.trim().length < 4 || query === asked) return;
      asked = query;
      fetch(form.dataset.similarUrl + "?" + query, { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : ""; })
        .then(function (html) { box.innerHTML = html; });
    }
    [title, text].forEach(function (field) {
      if (!field) return;
      field.addEventListener("input", function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(ask, 400);
      });
    });
  }

  // Back from a form without the script's help (a statement published, a comment posted): the page
  // came back at the section's anchor with the confirmation in it. Browsers skip `autofocus` on an
  // address with a fragment, and scrolling to the fragment moves the focus to the page: the focus is
  // given to the confirmation once the page is loaded, unless the person has already moved it.
  function focusConfirmation() {
    var note = document.querySelector("[data-confirmation]");
    var active = document.activeElement;
    if (!note || active === note) return;
    if (active && active !== document.body && active !== document.documentElement) return;
    note.focus();
  }
  document.addEventListener("DOMContentLoaded", focusConfirmation);
  window.addEventListener("load", function () { window.setTimeout(focusConfirmation, 0); });

  if (window.fetch && window.FormData) {
    bind(document);
    document.querySelectorAll("form[data-similar-url]").forEach(suggest);
  }
})();
