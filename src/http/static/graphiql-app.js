/*
 * GraphiQL page script. The fetcher sends the API key typed in the header bar as
 * "Authorization: Bearer <key>", merged with GraphiQL's Headers tab (the tab wins, so
 * {"Authorization": "Bearer …"} there works as in any GraphiQL). The key box says whether the key
 * actually works: it asks the server who the key is.
 */
(function () {
  'use strict';
  var input = document.getElementById('ag-api-key');
  var state = document.getElementById('ag-key-state');
  var STORAGE = 'audience-graph.apiKey';
  try { input.value = window.sessionStorage.getItem(STORAGE) || ''; } catch (e) { /* storage may be off */ }

  function show(text, kind) {
    state.textContent = text;
    state.className = 'ag-state' + (kind ? ' ag-state-' + kind : '');
  }

  var checking = 0;
  function checkKey() {
    var key = input.value.trim();
    var mine = ++checking;
    if (!key) return show('no key: only introspection works (or set Authorization in the Headers tab)', '');
    show('checking the key…', '');
    fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: 'Bearer ' + key },
      body: JSON.stringify({ query: '{ viewer { role namespace { slug } } }' }),
    }).then(function (r) { return r.json(); }).then(function (body) {
      if (mine !== checking) return;
      var viewer = body && body.data && body.data.viewer;
      if (viewer) show('key works: ' + viewer.role + ' in ' + viewer.namespace.slug, 'ok');
      else show('key rejected: ' + ((body && body.errors && body.errors[0] && body.errors[0].message) || 'unknown error'), 'bad');
    }, function () {
      if (mine === checking) show('could not reach the server to check the key', 'bad');
    });
  }

  var timer;
  input.addEventListener('input', function () {
    try { window.sessionStorage.setItem(STORAGE, input.value); } catch (e) { /* ignore */ }
    clearTimeout(timer);
    timer = setTimeout(checkKey, 300);
  });
  checkKey();

  function fetcher(params, options) {
    var headers = { 'content-type': 'application/json', accept: 'application/json' };
    if (input.value.trim()) headers.authorization = 'Bearer ' + input.value.trim();
    var extra = (options && options.headers) || {};
    Object.keys(extra).forEach(function (name) {
      // Header names are case-insensitive: the Headers tab's "Authorization" replaces the key box's.
      Object.keys(headers).forEach(function (own) { if (own.toLowerCase() === name.toLowerCase()) delete headers[own]; });
      headers[name] = String(extra[name]);
    });
    return fetch('/graphql', { method: 'POST', headers: headers, body: JSON.stringify(params) }).then(function (r) { return r.json(); });
  }

  var defaultQuery = [
    '# Paste an API key above, then run this query with the ▶ button.',
    '{',
    '  viewer { namespace { slug name } role }',
    '  profiles(first: 5) {',
    '    nodes {',
    '      id email firstName lastName phones',
    '      dimensions { emailStatus firstIdentifiedDate }',
    '      reserved { emailHashNumber lastPurchaseDate }',
    '      events(first: 3) { nodes { type occurredAt properties } }',
    '    }',
    '    pageInfo { hasNextPage endCursor }',
    '  }',
    '  segments(first: 5) { nodes { id name text count } }',
    '}',
    '',
  ].join('\n');

  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(React.createElement(GraphiQL, { fetcher: fetcher, defaultQuery: defaultQuery, shouldPersistHeaders: false }));
})();
