/**
 * The workshop's stylesheet, served from this origin (/workshop.css) so the page's CSP needs
 * no new hash: the colour map, the forms, and the A4 print layout of the one-page export.
 * @module
 */
export const WORKSHOP_CSS = `
.ws-map{display:grid;grid-template-columns:repeat(auto-fill,minmax(230px,1fr));gap:.5rem}
.ws-pair{display:grid;grid-template-columns:1fr 1fr;gap:.3rem;background:#fff;border:1px solid #dcdcde;border-radius:6px;padding:.5rem}
.ws-pair h3{grid-column:1/-1;font-size:1rem;margin:0}
.chip{display:block;border-radius:4px;padding:.25rem .4rem;border-inline-start:6px solid #999;background:#f0f0f1;font-size:.9em}
.chip.red{border-inline-start-color:#c0392b;background:#fdecea}.chip.orange{border-inline-start-color:#d68910;background:#fef5e7}
.chip.green{border-inline-start-color:#1e8449;background:#e9f7ef}
fieldset{border:1px solid #dcdcde;border-radius:6px;margin:0 0 .7rem;padding:.5rem .8rem;background:#fff}
legend{font-weight:600}.ws-radios{display:flex;flex-wrap:wrap;gap:.2rem 1rem}.ws-radios label{display:inline-flex;gap:.3rem;align-items:center;font-size:1em}
fieldset textarea{width:100%;min-height:2.6rem}.ws-card{display:grid;grid-template-columns:repeat(auto-fill,minmax(240px,1fr));gap:.4rem}
.ws-actions{display:flex;flex-wrap:wrap;gap:1rem}.ws-actions form{flex:1;min-width:260px}
.print-sheet{font-size:9pt;line-height:1.25}.print-sheet h1{font-size:14pt;margin:0 0 .2rem}.print-sheet table{font-size:8pt}
.print-sheet th,.print-sheet td{padding:.12rem .25rem}
@page{size:A4;margin:10mm}
@media print{header,.no-print{display:none}body{background:#fff}main{max-width:none;padding:0}.chip{print-color-adjust:exact;-webkit-print-color-adjust:exact}}
`;
