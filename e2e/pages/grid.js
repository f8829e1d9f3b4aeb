// Builds a grid of product tiles for ?n= items (GRID-001 …), in base currency, before the SDK
// loads; then loads the SDK the way ?mode= says: a script tag (umd) or an ES module (esm).
;(function () {
  var params = new URLSearchParams(location.search)
  var n = Number(params.get('n') || 200)
  var api = params.get('api')
  var grid = document.getElementById('grid')
  for (var i = 0; i < n; i++) {
    var number = 'GRID-' + String(i + 1).padStart(3, '0')
    var tile = document.createElement('li')
    tile.setAttribute('data-flow-item-number', number)
    var price = document.createElement('span')
    price.setAttribute('data-flow-localize', 'item-price')
    price.textContent = '$' + (10 + i * 1.25).toFixed(2)
    var regular = document.createElement('s')
    regular.setAttribute('data-flow-localize', 'item-price-attribute')
    regular.setAttribute('data-flow-item-price-attribute', 'regular_price')
    regular.textContent = '$' + (12 + i * 1.5).toFixed(2)
    tile.append(price, ' ', regular)
    grid.append(tile)
  }
  if (params.get('mode') === 'requirejs') {
    // A legacy Magento theme: RequireJS loads the UMD file as the AMD module `flow-storefront`.
    var loader = document.createElement('script')
    loader.src = '/node_modules/requirejs/require.js'
    loader.onload = function () {
      window.require.config({ paths: { 'flow-storefront': '/dist/flow-storefront.umd.min' } })
      window.require(['flow-storefront'], function (sdk) {
        sdk.configure({ organization: 'demo', apiUrl: api })
        sdk.localizePrices().then(function () {
          sdk.observePrices()
        })
      })
    }
    document.body.append(loader)
  } else if (params.get('mode') === 'esm') {
    window.process = { env: { NODE_ENV: 'production' } }
    var module = document.createElement('script')
    module.type = 'module'
    module.src = '/e2e/pages/grid-esm.js?api=' + encodeURIComponent(api)
    document.body.append(module)
  } else {
    var script = document.createElement('script')
    script.src = '/dist/flow-storefront.umd.min.js'
    script.dataset.organization = 'demo'
    script.dataset.apiUrl = api
    if (params.get('timeout')) script.dataset.pricingTimeout = params.get('timeout')
    // The page records the SDK's error events, for the specs to read.
    script.onload = function () {
      window.FlowStorefront.on('error', function (event) {
        ;(window.__errors = window.__errors || []).push(event.code)
      })
    }
    document.body.append(script)
  }
})()
