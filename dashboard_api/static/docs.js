// Swagger UI over this server's OpenAPI document; the bundle is vendored (static/vendor/swagger-ui).
"use strict";
window.addEventListener("DOMContentLoaded", () => {
  window.SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null, // the default validator is a remote service
  });
});
