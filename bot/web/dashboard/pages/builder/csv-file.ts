/**
 * The launch page's one piece of script: a file picker that reads the chosen CSV into the
 * invitation textarea, so a list can be uploaded without a multipart parser. Without script
 * the picker stays hidden and the list is pasted. A constant text, allowed by its hash
 * (bot/web/server.ts adds it to the Content-Security-Policy).
 * @module
 */
export const CSV_FILE_SCRIPT =
  "document.querySelectorAll('input[data-csv-into]').forEach(function(i){i.hidden=false;i.addEventListener('change',function(){var f=i.files&&i.files[0];if(f)f.text().then(function(t){document.getElementById(i.getAttribute('data-csv-into')).value=t;});});});";
