/* orderflow review: keyboard shortcuts and source/field highlighting.
   Listeners are delegated on document so they survive htmx body swaps. */
(function () {
  "use strict";

  function esc(s) { return window.CSS && CSS.escape ? CSS.escape(s) : s.replace(/([\[\].])/g, "\\$1"); }

  function sourceTargets(field) {
    var sel = '.box[data-field="' + field + '"], [data-fields~="' + esc(field) + '"]';
    try { return document.querySelectorAll(sel); } catch (e) { return []; }
  }

  function clearActive() {
    document.querySelectorAll(".source .active").forEach(function (el) { el.classList.remove("active"); });
    document.querySelectorAll(".work .linked").forEach(function (el) { el.classList.remove("linked"); });
  }

  function highlight(field, scroll) {
    clearActive();
    if (!field) return;
    var found = sourceTargets(field);
    found.forEach(function (el) { el.classList.add("active"); });
    if (scroll && found.length) reveal(found[0], document.querySelector(".source"));
  }

  // Scroll the source pane (only it: the form beside it stays put) so el is inside its visible part,
  // down and across: a cell far right in a wide sheet, a segment far down. The sticky header
  // (.srchead) covers the pane's top, so the visible part starts under it.
  function reveal(el, pane) {
    if (!pane || !pane.contains(el)) return;
    var r = el.getBoundingClientRect(), p = pane.getBoundingClientRect();
    var head = pane.querySelector(".srchead");
    var top = p.top + pane.clientTop + (head ? head.offsetHeight : 0);
    var bottom = p.top + pane.clientTop + pane.clientHeight;
    var left = p.left + pane.clientLeft, right = left + pane.clientWidth;
    if (r.top < top || r.bottom > bottom) pane.scrollTop += (r.top + r.bottom) / 2 - (top + bottom) / 2;
    if (r.left < left || r.right > right) pane.scrollLeft += (r.left + r.right) / 2 - (left + right) / 2;
  }

  function fieldOf(el) {
    var f = el && el.closest && el.closest("[data-field]");
    return f && f.closest(".work") ? f.getAttribute("data-field") : null;
  }

  document.addEventListener("focusin", function (ev) {
    var f = fieldOf(ev.target);
    if (f) highlight(f, true);
  });
  document.addEventListener("mouseover", function (ev) {
    var f = fieldOf(ev.target);
    if (f) highlight(f, false);
  });

  // Clicking a box, cell or segment focuses the field that came from it.
  document.addEventListener("click", function (ev) {
    var src = ev.target.closest && ev.target.closest(".source .box, .source [data-fields]");
    if (!src) return;
    var field = src.getAttribute("data-field") || (src.getAttribute("data-fields") || "").split(" ")[0];
    var input = document.querySelector('.work [data-field="' + field + '"]');
    if (input) { input.focus(); if (input.select) input.select(); }
  });

  // "The right value is here": with a form field selected, clicking a word on the page image puts the
  // word into the field and keeps where it was (evidence for learning), in a hidden input.
  var lastField = null;
  document.addEventListener("focusin", function (ev) {
    var f = ev.target && ev.target.closest && ev.target.closest(".work input[data-field], .work select[data-field]");
    if (f) lastField = f;
  });
  document.addEventListener("click", function (ev) {
    var w = ev.target.closest && ev.target.closest(".source .word");
    if (!w || !lastField || lastField.disabled) return;
    var form = document.getElementById("order-form");
    if (!form) return;
    var path = lastField.getAttribute("data-field"), b = (w.getAttribute("data-box") || "").split(",");
    lastField.value = w.getAttribute("data-text");
    lastField.dispatchEvent(new Event("input", { bubbles: true }));
    var name = "evidence:" + path, hidden = form.querySelector('input[type=hidden][name="' + name + '"]');
    if (!hidden) {
      hidden = document.createElement("input");
      hidden.type = "hidden"; hidden.name = name;
      form.appendChild(hidden);
    }
    hidden.value = JSON.stringify({ page: Number(w.getAttribute("data-page")), x0: +b[0], top: +b[1], x1: +b[2],
                                    bottom: +b[3], text: w.getAttribute("data-text") });
    document.querySelectorAll(".source .word.picked").forEach(function (el) { el.classList.remove("picked"); });
    w.classList.add("picked");
    lastField.focus();
  });

  // Queue selection.
  function rows() { return Array.prototype.slice.call(document.querySelectorAll("tr.qrow")); }
  function move(delta) {
    var all = rows(); if (!all.length) return;
    var i = all.findIndex(function (r) { return r.classList.contains("selected"); });
    var next = Math.max(0, Math.min(all.length - 1, (i < 0 ? 0 : i + delta)));
    all.forEach(function (r) { r.classList.remove("selected"); });
    all[next].classList.add("selected");
    all[next].scrollIntoView({ block: "nearest" });
  }
  function open() {
    var r = document.querySelector("tr.qrow.selected");
    if (r) { var a = r.querySelector("a"); if (a) a.click(); else window.location = r.getAttribute("data-href"); }
  }

  document.addEventListener("click", function (ev) {
    var r = ev.target.closest && ev.target.closest("tr.qrow");
    if (r && !ev.target.closest("a")) {
      rows().forEach(function (x) { x.classList.remove("selected"); });
      r.classList.add("selected");
    }
  });

  // Issue 23 item 10: rows picked for a bulk action: a checkbox per row, shift-click picks the range from
  // the last box clicked, x toggles the focused row; the bar counts them and its buttons wait for one.
  function picks() { return Array.prototype.slice.call(document.querySelectorAll('tr.qrow input[name="ids"]')); }
  var anchor = -1;
  function countPicks() {
    var all = picks(), n = 0;
    all.forEach(function (c) { if (c.checked) n++; c.closest("tr").classList.toggle("picked", c.checked); });
    var label = document.querySelector('[data-testid="bulk-count"]');
    if (label) label.textContent = n + " selected";
    document.querySelectorAll('.bulkbar button[name="action"]').forEach(function (b) { b.disabled = n === 0; });
    var head = document.getElementById("bulk-all");
    if (head) { head.checked = n > 0 && n === all.length; head.indeterminate = n > 0 && n < all.length; }
  }
  function togglePick(box) { box.checked = !box.checked; anchor = picks().indexOf(box); countPicks(); }
  document.addEventListener("click", function (ev) {
    var box = ev.target.closest && ev.target.closest('tr.qrow input[name="ids"]');
    if (box) {
      var all = picks(), at = all.indexOf(box);
      if (ev.shiftKey && anchor >= 0 && anchor < all.length) {
        for (var i = Math.min(anchor, at); i <= Math.max(anchor, at); i++) all[i].checked = box.checked;
      }
      anchor = at;
      countPicks();
    } else if (ev.target.id === "bulk-all") {
      picks().forEach(function (c) { c.checked = ev.target.checked; });
      anchor = -1;
      countPicks();
    }
  });
  // shift-click on a box must not also select the text of the rows in between
  document.addEventListener("mousedown", function (ev) {
    if (ev.shiftKey && ev.target.closest && ev.target.closest('tr.qrow input[name="ids"]')) ev.preventDefault();
  });

  // Issue 20: the order's doubtful fields (listed first in .doubts), coloured; j/k walk them.
  function doubts() {
    return Array.prototype.slice.call(document.querySelectorAll(".doubts .doubtrow:not(.accepted)"))
      .map(function (li) { return li.getAttribute("data-field"); });
  }
  var doubtAt = -1;
  function byField(sel, f) {
    return Array.prototype.filter.call(document.querySelectorAll(sel), function (n) { return n.getAttribute("data-field") === f; });
  }
  function markDoubts() {
    doubts().forEach(function (f) {
      byField("input[data-field], select[data-field]", f).forEach(function (n) { n.classList.add("doubt"); });
    });
  }
  // Issue 23: j/k walk the order's stops, the doubtful fields first (issue 20), then the other issues.
  // A doubt focuses its input (to type the right value); an issue is focused itself, so 1-3 pick its
  // suggestions at once.
  function stops() {
    var list = [], seen = {};
    doubts().forEach(function (f) { if (!seen[f]) { seen[f] = true; list.push({ field: f, issue: null }); } });
    document.querySelectorAll(".work .issue").forEach(function (el) {
      var f = el.getAttribute("data-issue-field") || null;
      if (f && seen[f]) return;
      if (f) seen[f] = true;
      list.push({ field: f, issue: el });
    });
    return list;
  }
  function walk(delta) {
    var all = stops(); if (!all.length) return false;
    doubtAt = doubtAt < 0 || doubtAt >= all.length ? (delta > 0 ? 0 : all.length - 1)
      : (doubtAt + delta + all.length) % all.length;
    document.querySelectorAll(".doubtrow.current, .box.current, .work .issue.current, .work [data-field].current")
      .forEach(function (n) { n.classList.remove("current"); });
    var stop = all[doubtAt], f = stop.field;
    if (f) {
      byField(".doubtrow", f).forEach(function (n) { n.classList.add("current"); });
      highlight(f, true);
      byField(".box", f).forEach(function (n) { n.classList.add("current"); });
    }
    var input = f ? byField("input[data-field], select[data-field]", f)[0] : null;
    if (input) input.classList.add("current");
    if (stop.issue) {
      stop.issue.classList.add("current");
      stop.issue.setAttribute("tabindex", "-1");
      stop.issue.scrollIntoView({ block: "center" });
      stop.issue.focus({ preventScroll: true });
    } else if (input) { input.scrollIntoView({ block: "center" }); input.focus(); }
    return true;
  }
  function currentIssue() {
    var el = document.querySelector(".work .issue.current");
    if (el && el.querySelector('[data-testid="suggestion"]')) return el;
    var withSugg = document.querySelector('.work .issue [data-testid="suggestion"]');
    return withSugg ? withSugg.closest(".issue") : null;
  }
  function clickId(id) { var el = document.getElementById(id); if (el) { el.click(); return true; } return false; }
  // Issue 23: times come as UTC (and stay so on hover, in the title); shown in the CSR's own time zone.
  function localTimes() {
    var two = function (n) { return (n < 10 ? "0" : "") + n; };
    document.querySelectorAll("time.utc[datetime]").forEach(function (t) {
      var d = new Date(t.getAttribute("datetime"));
      if (isNaN(d.getTime())) return;
      t.textContent = d.getFullYear() + "-" + two(d.getMonth() + 1) + "-" + two(d.getDate()) + " " +
        two(d.getHours()) + ":" + two(d.getMinutes());
      t.classList.remove("utc"); t.classList.add("local");
    });
  }
  function onPage() { markDoubts(); localTimes(); countPicks(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", onPage); else onPage();
  document.addEventListener("htmx:afterSwap", function () { doubtAt = -1; anchor = -1; onPage(); });

  // Issue 23 item 5: viewing claims nothing; the order form's first keystroke claims the order, so the
  // others see it is being edited. Refused (someone else got there first): said at once, typing kept.
  document.addEventListener("input", function (ev) {
    var form = ev.target && ev.target.closest && ev.target.closest("#order-form");
    if (!form || form.dataset.claimed || !form.dataset.claimUrl) return;
    form.dataset.claimed = "asking";
    var token = form.querySelector('input[name="csrf_token"]');
    fetch(form.dataset.claimUrl, { method: "POST", credentials: "same-origin",
                                   headers: { "Accept": "application/json", "X-CSRF-Token": token ? token.value : "" } })
      .then(function (r) { return r.json(); })
      .then(function (d) {
        var head = document.querySelector(".orderhead");
        if (d.ok) {
          form.dataset.claimed = "mine";
          var badge = document.querySelector('[data-testid="claim"]');
          if (!badge && head) {
            badge = document.createElement("span");
            badge.className = "lock mine"; badge.setAttribute("data-testid", "claim");
            head.appendChild(badge);
          }
          if (badge) badge.textContent = "Claimed by you (editing)";
        } else if (head) {
          var msg = document.createElement("div");
          msg.className = "flash flash-error formerror"; msg.setAttribute("role", "alert");
          msg.setAttribute("data-testid", "error"); msg.textContent = d.error || "Not claimed.";
          head.insertAdjacentElement("afterend", msg);
        }
      })
      .catch(function () { delete form.dataset.claimed; });
  });

  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var t = ev.target, tag = t && t.tagName;
    var box = tag === "INPUT" && (t.type === "checkbox" || t.type === "radio");  // keys still work after a tick
    var typing = (tag === "INPUT" && !box) || tag === "TEXTAREA" || tag === "SELECT" || (t && t.isContentEditable);
    if (typing) {
      if (ev.key === "Escape") { ev.preventDefault(); t.blur(); }  // keep the search text (search inputs clear on Esc)
      if (ev.key === "Enter" && t.classList.contains("pickid")) {  // the picker's typed id, not the order form's save
        var pb = t.parentNode.querySelector(".pickbtn");
        if (pb) { pb.click(); ev.preventDefault(); }
      }
      return;
    }
    if ((ev.key === "j" || ev.key === "k") && !rows().length && walk(ev.key === "j" ? 1 : -1)) { ev.preventDefault(); }
    else if (ev.key === "n" || ev.key === "p") { if (clickId(ev.key === "n" ? "next-order" : "prev-order")) ev.preventDefault(); }
    else if (ev.key === "Escape") { if (clickId("back-to-queue")) ev.preventDefault(); }
    else if (/^[1-9]$/.test(ev.key)) {
      var issue = currentIssue(), b = issue && issue.querySelector('[data-testid="suggestion"][data-key="' + ev.key + '"]');
      if (b) { b.click(); ev.preventDefault(); }
    }
    else if (ev.key === "x") {
      var pick = document.querySelector('tr.qrow.selected input[name="ids"]');
      if (pick) { togglePick(pick); ev.preventDefault(); }
    }
    else if (ev.key === "j") { move(1); ev.preventDefault(); }
    else if (ev.key === "k") { move(-1); ev.preventDefault(); }
    else if (ev.key === "Enter" || ev.key === "o") { if (rows().length) { open(); ev.preventDefault(); } }
    else if (ev.key === "/") {
      var s = document.getElementById("search");
      if (s) { s.focus(); s.select(); ev.preventDefault(); }
    } else if (ev.key === "a") {
      var b = document.getElementById("approve-btn");
      if (b && !b.disabled) { b.click(); ev.preventDefault(); }
    }
  });
})();
