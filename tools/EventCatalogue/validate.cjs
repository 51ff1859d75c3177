// Validates an AsyncAPI document with the official parser (@asyncapi/parser: the AsyncAPI 3.0 JSON schema of
// @asyncapi/specs, then its semantic rules), then every message example against its payload schema (ajv, the
// parser's own JSON-schema validator, with formats: uuid, date-time, date).
// Usage: node tools/EventCatalogue/validate.cjs <node_modules of scripts/asyncapi-tools.sh> <document>
// Prints every diagnostic as JSON lines; exits 1 when any is an error, 0 otherwise.
const path = require('path');
const fs = require('fs');
const [modules, file] = process.argv.slice(2);
const { Parser, DiagnosticSeverity } = require(path.join(modules, '@asyncapi', 'parser'));

(async () => {
  const parser = new Parser();
  const { document, diagnostics } = await parser.parse(fs.readFileSync(file, 'utf8'), { source: path.resolve(file) });
  let errors = 0;
  for (const d of diagnostics) {
    const severity = ['error', 'warning', 'info', 'hint'][d.severity] ?? String(d.severity);
    if (d.severity === DiagnosticSeverity.Error) errors++;
    console.log(JSON.stringify({ severity, code: d.code, message: d.message, path: (d.path || []).join('.') }));
  }
  if (document) {
    const Ajv = require(path.join(modules, 'ajv'));
    const addFormats = require(path.join(modules, 'ajv-formats'));
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    for (const message of document.allMessages()) {
      const validate = ajv.compile(message.payload().json());
      for (const example of message.examples()) {
        if (!validate(example.payload())) {
          errors++;
          console.log(JSON.stringify({ severity: 'error', code: 'example-does-not-match-payload',
            message: ajv.errorsText(validate.errors), path: `components.messages.${message.name()}.examples` }));
        }
      }
    }
  }
  console.log(JSON.stringify({ valid: document !== undefined && errors === 0, version: document?.version(), errors,
    messages: document ? document.allMessages().length : 0 }));
  process.exit(document !== undefined && errors === 0 ? 0 : 1);
})().catch(e => { console.error(e); process.exit(2); });
