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
})();
