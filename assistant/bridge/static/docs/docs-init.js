/* API docs page: Swagger UI from files on this server (no CDN), reading this bridge's /openapi.json. */
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,  // the default validator is an online service
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout"
  });
});
