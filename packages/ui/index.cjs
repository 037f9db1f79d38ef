const path = require('node:path');

/** The folder of the built dashboard (index.html and hashed assets/), served by @dango/core's mount. */
exports.assetsDir = path.join(__dirname, 'dist');
