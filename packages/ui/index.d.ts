/** The folder of the built dashboard (index.html and hashed assets/), served by @dango/core's mount. */
export declare const assetsDir: string;
