/*
 * Our Content Security Policy forbids inline scripts. Wagtail's date/time widgets and inline
 * panels initialise themselves with one; our template overrides (cms/templates/wagtailadmin/) emit
 * a hidden element with data-livinglab-init instead, and this script runs the same call, for
 * the page as loaded and for every form added later (inline panel children, chooser modals).
 */
(function () {
  "use strict";

  var NAME = /^[A-Za-z]+$/;

  var initialisers = {
    // Chooser widgets (livinglab/cms/csp.py): {"construct": "DocumentChooser", "args": [...]}
    // or {"call": "createTaskChooser", "args": [...]}; only plain global names are accepted.
    call: function (element, options) {
      var name = options.construct || options.call;
      if (!NAME.test(name) || typeof window[name] !== "function") {
        throw new Error("csp-init: unknown initialiser " + name);
      }
      var args = options.args || [];
      if (options.construct) {
        new (Function.prototype.bind.apply(window[name], [null].concat(args)))();
      } else {
        window[name].apply(window, args);
      }
    },
    initDateChooser: function (element, options) {
      window.initDateChooser(element.dataset.livinglabTarget, options);
    },
    initDateTimeChooser: function (element, options) {
      window.initDateTimeChooser(element.dataset.livinglabTarget, options);
    },
    initTimeChooser: function (element, options) {
      window.initTimeChooser(element.dataset.livinglabTarget, options);
    },
    InlinePanel: function (element, options) {
      new window.InlinePanel(options);
    },
    MultipleChooserPanel: function (element, options) {
      new window.MultipleChooserPanel(options);
    },
  };

  function run(element) {
    if (element.dataset.livinglabDone) {
      return;
    }
    var initialise = initialisers[element.dataset.livinglabInit];
    if (!initialise) {
      return;
    }
    element.dataset.livinglabDone = "1";
    initialise(element, JSON.parse(element.dataset.livinglabOptions || "{}"));
  }

  function scan(root) {
    if (root.nodeType !== 1) {
      return;
    }
    if (root.matches("[data-livinglab-init]")) {
      run(root);
    }
    root.querySelectorAll("[data-livinglab-init]").forEach(run);
  }

  function start() {
    scan(document.body);
    new MutationObserver(function (mutations) {
      mutations.forEach(function (mutation) {
        mutation.addedNodes.forEach(scan);
      });
    }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
