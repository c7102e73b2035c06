// Workitems: a small progressive enhancement over plain forms. Every page works without it.
"use strict";

// A status that closes or holds a task needs a note: make the field required and say so.
function wireStatusForms() {
  document.querySelectorAll("select[data-needs-note]").forEach((select) => {
    const form = select.form;
    const note = form.querySelector('input[name="note"]');
    const initial = note && note.placeholder;
    if (!note) return;
    const needs = select.dataset.needsNote.split(" ");
    const finals = (select.dataset.final || "").split(" ");
    const update = () => {
      const value = select.value;
      note.required = needs.includes(value);
      note.placeholder = finals.includes(value)
        ? "Closure note (required)"
        : value === "on_hold" ? "What it waits for (required)" : initial;
    };
    select.addEventListener("change", update);
    update();
  });
}

// Owner pickers: refine the shared <datalist> from the assignable-user lookup as people type.
function wireLookups() {
  const list = document.getElementById("people");
  if (!list) return;
  let timer = null;
  document.querySelectorAll("input[data-lookup]").forEach((input) => {
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const response = await fetch(input.dataset.lookup + "?q=" + encodeURIComponent(input.value));
        if (!response.ok) return;
        const people = await response.json();
        list.replaceChildren(...people.map((p) => {
          const option = document.createElement("option");
          option.value = p.email;
          option.textContent = p.name;
          return option;
        }));
      }, 150);
    });
  });
}

// The duplicate picker: search tasks with the search language as the reviewer types.
function wireTaskSearch() {
  let timer = null;
  document.querySelectorAll("input[data-task-search]").forEach((input) => {
    const list = document.getElementById(input.getAttribute("list"));
    input.addEventListener("input", () => {
      clearTimeout(timer);
      if (/^WI-\d+$/i.test(input.value) || input.value.length < 2) return;
      timer = setTimeout(async () => {
        const response = await fetch(input.dataset.taskSearch + "?q=" + encodeURIComponent(input.value));
        if (!response.ok) return;
        const found = await response.json();
        list.replaceChildren(...found.map((t) => {
          const option = document.createElement("option");
          option.value = t.key;
          option.textContent = t.title;
          return option;
        }));
      }, 200);
    });
  });
}

// A form whose action picker decides which fields matter shows only those.
function wireActionPickers() {
  document.querySelectorAll("select[data-shows]").forEach((select) => {
    const update = () => select.form.querySelectorAll("[data-when]").forEach((field) => {
      field.hidden = field.dataset.when !== select.value;
    });
    select.addEventListener("change", update);
    update();
  });
}

// Suggested owners in a warning fill the card's owner field.
function wireFills() {
  document.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-fill]");
    if (!button) return;
    const input = document.getElementById(button.dataset.fill);
    input.value = button.dataset.value;
    input.focus();
  });
}

// "Select all" boxes tick every row box that belongs to the same bulk form.
function wireSelectAll() {
  document.querySelectorAll("input[data-select-all]").forEach((all) => {
    all.addEventListener("change", () => {
      document.querySelectorAll(`input[name="ids"][form="${all.dataset.selectAll}"]`)
        .forEach((box) => { box.checked = all.checked; });
    });
  });
}

// "Load more": fetch the next page and append its rows instead of navigating away.
function wireLoadMore() {
  document.addEventListener("click", async (event) => {
    const link = event.target.closest("a[data-load-more]");
    if (!link) return;
    event.preventDefault();
    const response = await fetch(link.href);
    if (!response.ok) { window.location = link.href; return; }
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const target = document.getElementById(link.dataset.loadMore);
    page.querySelectorAll("#" + link.dataset.loadMore + " > *").forEach((row) => target.append(row));
    const next = page.querySelector("a[data-load-more]");
    if (next) link.href = next.href; else link.remove();
  });
}

// Staging review keys: j/k move, a approves, r opens the reject reason, e edits the title.
function wireReviewKeys() {
  const cards = Array.from(document.querySelectorAll(".candidate"));
  if (!cards.length) return;
  let index = 0;
  const select = (i) => {
    cards[index].classList.remove("current");
    index = Math.max(0, Math.min(cards.length - 1, i));
    cards[index].classList.add("current");
    cards[index].focus();
  };
  cards.forEach((card, i) => card.addEventListener("focusin", () => {
    cards[index].classList.remove("current");
    index = i;
    card.classList.add("current");
  }));
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest("input, textarea, select, [contenteditable]")) return;
    const card = cards[index];
    if (event.key === "j") { select(index + 1); }
    else if (event.key === "k") { select(index - 1); }
    else if (event.key === "a") { card.querySelector("[data-approve]")?.click(); }
    else if (event.key === "r") {
      const details = card.querySelector("details.reject");
      if (details) { details.open = true; details.querySelector('input[name="reason"]')?.focus(); }
    } else if (event.key === "e") { card.querySelector('input[name="title"]')?.focus(); }
    else { return; }
    event.preventDefault();
  });
  cards[0].classList.add("current");
}

// New task: show what the quick-add line means (owner, due date, priority, labels) as
// people type, parsed by the server so the preview is exactly what will be saved.
function wireQuickAdd() {
  document.querySelectorAll("form[data-quick-add]").forEach((form) => {
    const output = form.querySelector(".preview");
    let timer = null;
    const update = () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const params = new URLSearchParams();
        for (const name of ["line", "owner", "due", "priority", "labels", "default_owner"]) {
          params.set(name, form.elements[name].value);
        }
        const response = await fetch(form.dataset.quickAdd + "?" + params);
        if (!response.ok) return;
        const p = await response.json();
        if (!p.title && !p.error) { output.textContent = ""; return; }
        if (p.error) { output.textContent = "⚠ " + p.error; output.classList.add("bad"); return; }
        output.classList.remove("bad");
        const parts = ["“" + p.title + "”"];
        parts.push(p.owner ? "owner " + p.owner.name : "no owner");
        if (p.due) parts.push("due " + p.due);
        if (p.priority !== "none") parts.push("priority " + p.priority);
        if (p.labels.length) parts.push("labels " + p.labels.join(", "));
        output.textContent = "Will create: " + parts.join(" · ");
      }, 200);
    };
    form.addEventListener("input", update);
    form.addEventListener("change", update);
    if (form.elements.line.value) update();
  });
}

// On a phone, All work folds its search, filters and bulk form behind one button so the
// list comes first; without the script (or on a wide screen) they stay open.
function wireFolds() {
  document.querySelectorAll("button[data-fold]").forEach((button) => {
    const target = document.getElementById(button.dataset.fold);
    const phone = window.matchMedia("(max-width: 760px)");
    const apply = () => {
      button.hidden = !phone.matches;
      target.hidden = phone.matches && button.getAttribute("aria-expanded") !== "true";
    };
    button.addEventListener("click", () => {
      const open = button.getAttribute("aria-expanded") === "true";
      button.setAttribute("aria-expanded", open ? "false" : "true");
      apply();
    });
    phone.addEventListener("change", apply);
    apply();
  });
}

document.addEventListener("DOMContentLoaded", () => {
  wireFolds();
  wireQuickAdd();
  wireStatusForms();
  wireLookups();
  wireTaskSearch();
  wireActionPickers();
  wireFills();
  wireSelectAll();
  wireLoadMore();
  wireReviewKeys();
});
