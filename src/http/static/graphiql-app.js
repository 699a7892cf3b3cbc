/* GraphiQL page script: a fetcher that sends the API key typed in the header bar. */
(function () {
  'use strict';
  var input = document.getElementById('ag-api-key');
  var state = document.getElementById('ag-key-state');
  var STORAGE = 'audience-graph.apiKey';
  try { input.value = window.sessionStorage.getItem(STORAGE) || ''; } catch (e) { /* storage may be off */ }
  function showState() { state.textContent = input.value ? 'key set' : 'no key: only introspection works'; }
  input.addEventListener('input', function () {
    try { window.sessionStorage.setItem(STORAGE, input.value); } catch (e) { /* ignore */ }
    showState();
  });
  showState();

  function fetcher(params) {
    var headers = { 'content-type': 'application/json', accept: 'application/json' };
    if (input.value.trim()) headers.authorization = 'Bearer ' + input.value.trim();
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
