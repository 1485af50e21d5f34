// A page that shows a background job still at work ([data-job-progress]): every few seconds the
// page is fetched again and only its progress box replaced, so nothing jumps under the reader and
// no timed refresh is forced on screen readers; once the job has ended the page loads in full.
(function () {
  var box = document.querySelector("[data-job-progress]");
  if (!box) { return; }
  function poll() {
    fetch(window.location.href, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-job-progress]");
        if (!fresh) { window.location.reload(); return; }
        box.innerHTML = fresh.innerHTML;
        window.setTimeout(poll, 3000);
      })
      .catch(function () { window.setTimeout(poll, 10000); });
  }
  window.setTimeout(poll, 3000);
})();
