// Starts Swagger UI on the docs page. A file of its own, not an inline script, so the
// page's Content-Security-Policy can stay at 'self'.
window.addEventListener("load", function () {
  var container = document.getElementById("swagger-ui-container");
  window.ui = SwaggerUIBundle({
    url: container.dataset.specUrl,
    dom_id: "#swagger-ui-container",
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: "BaseLayout",
    deepLinking: true,
    // The public validator badge would call a third-party origin.
    validatorUrl: null,
  });
});
