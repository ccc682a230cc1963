// The demo page's own button opens the chat through the widget's global API.
document.getElementById("open-chat").addEventListener("click", function () {
  if (window.SAAdvisor) window.SAAdvisor.open();
});
