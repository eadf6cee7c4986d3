"use strict";
// Review aids: filters, search, j/k between doubtful beads, reject toggles, decisions download.
// Everything is read from the page itself: it makes no request of any kind.
(function () {
  const main = document.getElementById("beads");
  const rows = Array.from(main.querySelectorAll(".bead"));
  const sections = Array.from(main.querySelectorAll(".turn"));
  const slider = document.getElementById("threshold");
  const sliderValue = document.getElementById("threshold-value");
  const search = document.getElementById("search");
  const shown = document.getElementById("shown");
  const rejectedCount = document.getElementById("rejected-count");
  const beads = rows.map((row) => ({
    row: row,
    id: Number(row.dataset.id),
    score: Number(row.dataset.score),
    moved: row.classList.contains("moved-bead"),
    unaligned: row.classList.contains("unaligned"),
    text: null,  // lower-cased text of both sides, made on the first search
  }));
  const index = new Map(rows.map((row, k) => [row, k]));
  let current = -1;

  function threshold() { return Number(slider.value); }
  function mode() { return document.querySelector("input[name=filter]:checked").value; }
  function doubtful(b) { return b.unaligned || b.moved || b.score < threshold(); }
  const modes = {
    all: () => true,
    below: (b) => b.score < threshold(),
    moved: (b) => b.moved,
    unaligned: (b) => b.unaligned,
  };

  function apply() {
    const keep = modes[mode()];
    const query = search.value.trim().toLowerCase();
    let count = 0;
    for (const b of beads) {
      let visible = keep(b);
      if (visible && query) {
        if (b.text === null) {
          b.text = (b.row.querySelector(".zh").textContent + "\n" + b.row.querySelector(".ar").textContent).toLowerCase();
        }
        visible = b.text.includes(query);
      }
      if (b.row.hidden === visible) b.row.hidden = !visible;
      count += visible;
    }
    for (const s of sections) {
      const any = s.querySelector(".bead:not([hidden])") !== null;
      if (s.hidden === any) s.hidden = !any;
    }
    shown.textContent = count + " of " + beads.length + " beads shown";
  }

  function jump(step) {
    for (let k = current + step; k >= 0 && k < beads.length; k += step) {
      const b = beads[k];
      if (!b.row.hidden && doubtful(b)) {
        if (current >= 0) beads[current].row.classList.remove("current");
        current = k;
        b.row.classList.add("current");
        b.row.scrollIntoView({ block: "center" });
        return;
      }
    }
  }

  function setRejected(b, on) {
    b.row.classList.toggle("rejected", on);
    b.row.querySelector(".reject input").checked = on;
    rejectedCount.textContent = main.querySelectorAll(".bead.rejected").length;
  }

  function download() {
    const rejected = [], accepted = [];
    for (const b of beads) (b.row.classList.contains("rejected") ? rejected : accepted).push(b.id);
    const decisions = {
      zh_file: main.dataset.zhFile, ar_file: main.dataset.arFile, document: main.dataset.document,
      rejected: rejected, accepted: accepted,
    };
    const blob = new Blob([JSON.stringify(decisions) + "\n"], { type: "application/json" });
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = main.dataset.decisions;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  }

  document.getElementById("controls").addEventListener("submit", (e) => e.preventDefault());
  for (const radio of document.querySelectorAll("input[name=filter]")) radio.addEventListener("change", apply);
  slider.addEventListener("input", () => {
    sliderValue.textContent = threshold().toFixed(2);
    if (mode() === "below") apply();
  });
  search.addEventListener("input", apply);
  search.addEventListener("keydown", (e) => { if (e.key === "Escape" || e.key === "Enter") search.blur(); });
  main.addEventListener("change", (e) => {
    if (!e.target.matches(".reject input")) return;
    const row = e.target.closest(".bead");
    setRejected(beads[index.get(row)], e.target.checked);
  });
  main.addEventListener("click", (e) => {
    const row = e.target.closest(".bead");
    if (!row || e.target.closest("a, label, input")) return;
    if (current >= 0) beads[current].row.classList.remove("current");
    current = index.get(row);
    row.classList.add("current");
  });
  document.getElementById("download").addEventListener("click", download);
  document.addEventListener("keydown", (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey || e.target.matches("input[type=search]")) return;  // typing a query
    if (e.key === "j") jump(1);
    else if (e.key === "k") jump(-1);
    else if (e.key === "x" && current >= 0) setRejected(beads[current], !beads[current].row.classList.contains("rejected"));
    else return;
    e.preventDefault();
  });
})();
