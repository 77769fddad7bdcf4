// Records mongosh's help texts (shell, Database, Collection) into src/doc/help/.
// Usage: NODE_PATH=<dir with @mongosh/cli-repl> node record_help.js src/doc/help
const sa = require('@mongosh/shell-api');
const {formatOutput} = require('@mongosh/cli-repl/lib/format-output');
const fs = require('fs');
const bus = new (require('events'))();
const sp = { bsonLibrary: require('bson'), getConnectionInfo: async () => ({}), platform: 'CLI', initialDb: 'test', getURI: () => 'mongodb://localhost', getRawClient: () => null };
(async () => {
  const st = new sa.ShellInstanceState(sp, bus);
  const out = async (h) => { const v = await sa.toShellResult(h); return formatOutput({type: v.type, value: v.printable}, {colors: false}); };
  fs.writeFileSync(process.argv[2] + '/shell.txt', await out(st.shellApi.help()));
  const db = st.currentDb;
  fs.writeFileSync(process.argv[2] + '/database.txt', await out(db.help()));
  fs.writeFileSync(process.argv[2] + '/collection.txt', await out(db.getCollection('users').help()));
  console.log('ok');
})().catch(e => console.log('ERR', e.stack));
