/* Starts the chat widget (rasa-webchat) on this page.
 *
 * Where the Rasa server is, first match wins:
 *   1. window.NET_ASSISTANT_CONFIG = { socketUrl: "https://chat.example.org" }, set before this script;
 *   2. the data-socket-url attribute of the <script> tag that loads this file;
 *   3. this page's host, port 5005 (what `make serve` runs).
 * Rasa's credentials.yml must have the socketio channel with session_persistence: true.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var config = window.NET_ASSISTANT_CONFIG || {};
  var socketUrl =
    config.socketUrl ||
    (script && script.getAttribute("data-socket-url")) ||
    window.location.protocol.replace("file:", "http:") + "//" + (window.location.hostname || "localhost") + ":5005";

  window.WebChat.default(
    {
      socketUrl: socketUrl,
      socketPath: "/socket.io/",
      // Sent once, when a new conversation opens: the greeting says this is not medical advice.
      initPayload: "/greet",
      // The conversation (and its session id) stays in localStorage: a reload keeps it, and
      // Rasa, with session_persistence, continues the same tracker.
      params: { storage: "local" },
      title: "NET treatment information",
      subtitle: "General information, not medical advice",
      inputTextFieldHint: "Type your question…",
      connectingText: "Connecting to the assistant…",
      // Show the launcher at once, and say so while the server is unreachable (withRules is a
      // Botfront feature that would keep the widget hidden until the server answers).
      withRules: false,
      hideWhenNotConnected: false,
      showMessageDate: false,
      // Links in answers open in a new tab, never through Google's document viewer.
      docViewer: false,
      // A short, steady pause between messages, so several in a row stay readable.
      customMessageDelay: function () {
        return 500;
      },
      onSocketEvent: {
        // Rasa's socket.io channel sends buttons as "quick_replies", which rasa-webchat shows
        // only under the newest message. Topic answers are followed by "Was this helpful?",
        // so the answer's "next question" buttons would vanish at once. As "buttons" they stay.
        // This listener runs before the widget's own one and gets the same message object.
        bot_uttered: function (message) {
          if (message && message.quick_replies && !message.buttons) {
            message.buttons = message.quick_replies;
            delete message.quick_replies;
          }
        }
      }
    },
    null
  );

  // --- Accessibility ------------------------------------------------------------------------
  // rasa-webchat 1.0.1 has no options for any of this, so its elements are completed here, each
  // time React adds or changes them: names for the icon buttons, a heading level that follows
  // the page's h1, a labelled landmark, a live log that screen readers announce, answer buttons
  // that the keyboard reaches, focus moved into the chat when it opens and back when it closes,
  // and Escape to close. page.css draws the focus outline the widget's own CSS removes.
  var LABELS = {
    ".rw-send": "Send",
    ".rw-close-button": "Close the chat",
    ".rw-new-message": "Your question"
  };
  var wasOpen = false;

  function set(element, name, value) {
    if (element && element.getAttribute(name) !== value) element.setAttribute(name, value);
  }

  function complete() {
    var container = document.querySelector(".rw-widget-container");
    if (!container) return;
    set(container, "role", "region");
    set(container, "aria-label", "Chat with the NET treatment assistant");
    Object.keys(LABELS).forEach(function (selector) {
      set(container.querySelector(selector), "aria-label", LABELS[selector]);
    });
    var title = container.querySelector(".rw-title");
    set(title, "role", "heading");
    set(title, "aria-level", "2");
    // role=log is a polite live region: each new message is read out once it is added
    var log = container.querySelector(".rw-messages-container");
    set(log, "role", "log");
    set(log, "aria-live", "polite");
    set(log, "aria-label", "Conversation");
    container.querySelectorAll(".rw-reply").forEach(function (reply) {
      set(reply, "role", "button");
      set(reply, "tabindex", "0");
    });
    var open = !!container.querySelector(".rw-conversation-container");
    var launcher = container.querySelector(".rw-launcher");
    set(launcher, "aria-label", open ? "Close the chat" : "Open the chat");
    set(launcher, "aria-expanded", String(open));
    if (open !== wasOpen) {
      wasOpen = open;
      moveFocus(open, 20);
    }
  }

  // Into the chat when it opens (the box, or the close button while connecting), back to the
  // launcher when it closes. React may still be laying the chat out: try again for a moment.
  function moveFocus(open, attempts) {
    var container = document.querySelector(".rw-widget-container");
    var input = container && container.querySelector(".rw-new-message");
    var target = !container ? null : !open ? container.querySelector(".rw-launcher")
      : input && !input.disabled ? input : container.querySelector(".rw-close-button");
    if (target) target.focus();
    if ((!target || document.activeElement !== target) && attempts > 0 && open === wasOpen) {
      setTimeout(function () { moveFocus(open, attempts - 1); }, 50);
    }
  }

  new MutationObserver(complete).observe(document.body, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ["class", "disabled"]
  });
  complete();

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (!(target instanceof Element) || !target.closest(".rw-widget-container")) return;
    // answer buttons are divs in rasa-webchat: Enter and Space choose them, as for a button
    if ((event.key === "Enter" || event.key === " ") && target.classList.contains("rw-reply")) {
      event.preventDefault();
      target.click();
    } else if (event.key === "Escape" && document.querySelector(".rw-conversation-container")) {
      var close = document.querySelector(".rw-close-button") || document.querySelector(".rw-launcher");
      if (close) close.click();
    }
  });
})();
