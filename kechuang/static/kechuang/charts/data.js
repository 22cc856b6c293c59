// Reads the JSON a template wrote with Django's json_script filter.
window.kechuangData = function (id) {
  return JSON.parse(document.getElementById(id).textContent);
};
