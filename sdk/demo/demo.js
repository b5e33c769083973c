/*
 * The demo shop's own code: what a customer writes around the SDK. It runs in <head>, right after
 * /sdk/upshot.js, so the offer is hidden before it is painted and shown as soon as its variant is
 * applied (or after the timeout, with the default content, which is the control).
 *
 * Query parameters (all optional): key (SDK key; otherwise the one saved by the setup form),
 * api (API base URL; default this origin), experiment (default hero-offer), visitor (a logged-in
 * user id), consent=ask (ask before tracking), timeout (ms), debug (SDK warnings on the console).
 */
(function () {
  // When the SDK started, for the browser tests' timing of the anti-flicker timeout.
  window.upshotStartedAt = performance.now();
  var params = new URLSearchParams(location.search);
  var saved = null;
  try {
    saved = localStorage.getItem('upshot-demo:key');
  } catch (error) {
    // Storage blocked: the key must come in the URL.
  }
  var sdkKey = params.get('key') || saved;
  var experiment = params.get('experiment') || 'hero-offer';
  var askConsent = params.get('consent') === 'ask';
  var upshot = sdkKey
    ? window.Upshot.createUpshot({
        apiUrl: params.get('api') || location.origin,
        sdkKey: sdkKey,
        visitorId: params.get('visitor') || undefined,
        consent: !askConsent,
        hide: '#offer',
        timeout: Number(params.get('timeout')) || 1000,
        debug: params.has('debug'),
      })
    : null;
  window.upshot = upshot;

  var $ = function (id) {
    return document.getElementById(id);
  };

  function log(text) {
    var item = document.createElement('li');
    item.textContent = text;
    $('log').appendChild(item);
  }

  /** "€22.41 instead of €24.90" → 2241: the first amount, in minor units. */
  function minorUnits(priceText) {
    var match = /(\d+)[.,](\d{2})/.exec(priceText || '');
    return match ? Number(match[1]) * 100 + Number(match[2]) : 0;
  }

  function show(id) {
    ['cart', 'checkout', 'thanks'].forEach(function (step) {
      $(step).hidden = step !== id;
    });
  }

  function render(variant) {
    var payload = variant ? variant.payload : {};
    if (typeof payload.headline === 'string') $('headline').textContent = payload.headline;
    if (typeof payload.subline === 'string') $('subline').textContent = payload.subline;
    if (typeof payload.priceText === 'string') $('price').textContent = payload.priceText;
    if (typeof payload.cta === 'string') $('cta').textContent = payload.cta;
    $('badge').hidden = !payload.badge;
    $('badge').textContent = payload.badge || '';
    $('offer').dataset.variant = variant ? variant.key : 'default';
    $('variant').textContent = variant ? variant.key : 'not in the experiment (default content, the control)';
    log('variant("' + experiment + '") → ' + (variant ? variant.key : 'null'));
  }

  function wire() {
    $('experiment-key').textContent = experiment;
    ['a', 'b'].forEach(function (letter) {
      var preview = new URLSearchParams(location.search);
      preview.set('upshot', experiment + ':' + letter.toUpperCase());
      $('preview-' + letter).href = '?' + preview.toString();
    });
    if (!upshot) {
      $('config-state').textContent = 'no SDK key yet';
      $('setup').hidden = false;
      $('setup').addEventListener('submit', function (event) {
        event.preventDefault();
        localStorage.setItem('upshot-demo:key', $('setup-key').value.trim());
        location.reload();
      });
      return;
    }
    $('visitor').textContent = upshot.visitorId || 'not tracked';
    upshot.ready().then(function (loaded) {
      $('config-state').textContent = loaded ? 'loaded' : 'unavailable: showing the control';
    });
    if (askConsent && !upshot.visitorId) {
      $('consent').hidden = false;
      $('consent-accept').addEventListener('click', function () {
        upshot.grantConsent();
        $('consent').hidden = true;
        $('visitor').textContent = upshot.visitorId || 'not tracked';
        log('grantConsent(): tracking starts; the offer test starts on the next page');
      });
    }
    $('cta').addEventListener('click', function () {
      $('cart-price').textContent = $('price').textContent;
      show('cart');
      upshot.startStage('cart');
      log('startStage("cart")');
    });
    $('to-checkout').addEventListener('click', function () {
      $('pay-amount').textContent = '€' + (minorUnits($('price').textContent) / 100).toFixed(2);
      show('checkout');
      upshot.startStage('checkout');
      log('startStage("checkout")');
    });
    $('pay').addEventListener('click', function () {
      var revenue = minorUnits($('price').textContent);
      upshot.convert('purchase', { revenue: revenue, currency: 'EUR' });
      show('thanks');
      log('convert("purchase", { revenue: ' + revenue + ', currency: "EUR" })');
    });
    $('new-visitor').addEventListener('click', function () {
      Object.keys(localStorage)
        .filter(function (name) {
          return name.indexOf('upshot:') === 0;
        })
        .forEach(function (name) {
          localStorage.removeItem(name);
        });
      document.cookie = 'upshot=; path=/; max-age=0';
      location.reload();
    });
  }

  document.addEventListener('DOMContentLoaded', wire);
  // apply waits for the config and the DOM, renders, then lifts the anti-flicker hiding.
  if (upshot) upshot.apply(experiment, render);
})();
