/* The API documentation page (/api/v1/docs): start Swagger UI on the OpenAPI document
 * named by #swagger-ui's data-spec-url. Loaded with "defer" after swagger-ui-bundle.js.
 * No inline script: the page runs under the app's Content-Security-Policy. */
(function () {
  'use strict';
  var root = document.getElementById('swagger-ui');
  if (!root || typeof window.SwaggerUIBundle !== 'function') {
    return;
  }
  window.SwaggerUIBundle({
    url: root.getAttribute('data-spec-url'),
    domNode: root,
    // Only the document: the base layout has no top bar for loading another URL.
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
    deepLinking: true,
    docExpansion: 'list',
    defaultModelsExpandDepth: 0,
    displayRequestDuration: true,
    // Never send the document to swagger.io's validator (nor anything anywhere else).
    validatorUrl: null,
    // The token stays in this page's memory: not in localStorage.
    persistAuthorization: false
  });
})();
