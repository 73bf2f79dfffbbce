/*
 * Wagtail's query chooser of the promoted search results (wagtailsearchpromotions/queries/
 * chooser_field.js) as a static file: the same function, with the chooser URL as an argument
 * instead of a template tag, so that csp-init.js can call it (no inline script).
 */
(function () {
  "use strict";

  window.createQueryChooser = function (id, chooserUrl) {
    var chooserElement = $("#" + id + "-chooser");
    var input = $("#" + id);

    chooserElement.on("click", function () {
      // eslint-disable-next-line no-undef
      ModalWorkflow({
        url: chooserUrl,
        // eslint-disable-next-line no-undef
        onload: QUERY_CHOOSER_MODAL_ONLOAD_HANDLERS,
        responses: {
          queryChosen: function (queryData) {
            input.val(queryData.querystring);
          },
        },
      });
    });
  };
})();
