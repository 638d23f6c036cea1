// The 打印 button of printable pages (一页纸汇总, 述职评议, 成果汇编) (no inline script: the CSP stays strict).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
