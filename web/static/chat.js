/* The web chat as people expect a chat (the page works without this script too):
   the newest reply in view and the cursor in the message box after every turn, Enter sends and
   Shift+Enter starts a new line, the box grows with its text, and the new replies are read out
   by screen readers through a live region that stays on the page while the chat is replaced. */
(function () {
  "use strict";
  var touch = window.matchMedia && window.matchMedia("(pointer: coarse)").matches;
  var typedLast = true; // on a phone, keep the keyboard away after a tapped button

  function box() { return document.getElementById("chat-text"); }

  function showLatest() {
    // the whole newest turn when it fits; else its question (the last reply) entirely, or
    // the question's beginning when even that is taller than the log
    var log = document.getElementById("chat-log");
    var last = document.getElementById("latest");
    if (!log || !last) return;
    var start = log.querySelector("[data-turn-start]") || last;
    var height = log.clientHeight;
    var end = log.scrollHeight - height;
    var top = Math.min(end, start.offsetTop - 8);
    var bottom = last.offsetTop + last.offsetHeight + 8;
    if (bottom > top + height) top = Math.min(last.offsetTop - 8, bottom - height);
    log.scrollTop = Math.max(0, Math.min(top, end));
  }

  function grow(area) {
    area.style.height = "auto";
    area.style.height = Math.min(area.scrollHeight + 4, window.innerHeight / 3) + "px";
  }

  function focusBox() {
    var area = box();
    if (area && (typedLast || !touch)) area.focus({ preventScroll: true });
  }

  function announce() {
    var region = document.getElementById("chat-announce");
    var log = document.getElementById("chat-log");
    if (!region || !log) return;
    var texts = [];
    var item = log.querySelector("[data-turn-start]") || document.getElementById("latest");
    for (; item; item = item.nextElementSibling) {
      if (item.classList.contains("bot")) texts.push(item.querySelector("p").textContent);
    }
    region.textContent = texts.join("\n");
  }

  document.addEventListener("keydown", function (event) {
    var area = event.target;
    if (area.id !== "chat-text" || event.key !== "Enter") return;
    if (event.shiftKey || event.isComposing || event.keyCode === 229) return;
    event.preventDefault();
    var form = area.form;
    // one answer at a time: while one is on its way its buttons are disabled, and Enter waits
    if (!area.value.trim() || document.querySelector("#chat form.htmx-request")) return;
    typedLast = true;
    form.requestSubmit();
  });

  document.addEventListener("input", function (event) {
    if (event.target.id === "chat-text") grow(event.target);
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.classList.contains("options")) typedLast = false;
    if (form.classList.contains("composer")) {
      typedLast = true;
      var area = box();
      if (area && !area.value.trim()) { // nothing to send
        event.preventDefault();
        event.stopPropagation();
      }
    }
  }, true);

  // what the message box held when it was sent ("" when a button was pressed): what the box
  // holds beyond it when the answer comes was typed meanwhile and stays in the new box
  var sent = "";

  // what the resident sent shows at once, greyed until the answer replaces the conversation
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt;
    var log = document.getElementById("chat-log");
    var notice = document.getElementById("chat-offline");
    if (notice) notice.hidden = true;
    if (!log || !form.classList) return;
    var text = "";
    sent = form.classList.contains("composer") && box() ? box().value : "";
    if (form.classList.contains("composer")) text = box().value.trim();
    var pressed = event.detail.requestConfig && event.detail.requestConfig.triggeringEvent;
    if (pressed && pressed.submitter) text = pressed.submitter.textContent.trim();
    if (!text) return;
    var item = document.createElement("li");
    item.className = "msg me pending";
    var para = document.createElement("p");
    para.textContent = text;
    item.appendChild(para);
    log.appendChild(item);
    log.scrollTop = log.scrollHeight;
  });

  function failed(reload) {
    var pending = document.querySelectorAll("#chat-log .pending");
    for (var i = 0; i < pending.length; i++) pending[i].remove();
    if (reload) { window.location.assign(window.location.pathname); return; }
    var notice = document.getElementById("chat-offline");
    if (notice) notice.hidden = false;
    focusBox(); // the pressed button was disabled meanwhile, which took the focus away
  }
  // an expired form or a server error: the page again, fresh; no connection: say so, keep the text
  document.addEventListener("htmx:responseError", function () { failed(true); });
  document.addEventListener("htmx:sendError", function () { failed(false); });

  var typed = ""; // typed while the answer was on its way (see `sent`)
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.target.id !== "chat" || !box()) return;
    var now = box().value;
    typed = sent && now.indexOf(sent) === 0 ? now.slice(sent.length).trim() : now;
    if (sent && now.trim() === sent.trim()) typed = "";
    sent = "";
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target.id !== "chat") return;
    var area = box();
    if (typed && area && !area.value) {
      area.value = typed;
      area.setSelectionRange(typed.length, typed.length); // go on typing where it ended
      grow(area);
    }
    typed = "";
    showLatest();
    announce();
    focusBox();
  });

  document.addEventListener("DOMContentLoaded", function () {
    showLatest();
    focusBox();
  });
})();
