import type { Middleware } from 'koa';

/** A minimal host JSON body parser, as koa-bodyparser would behave for `application/json`: it consumes the stream. */
export function koaJsonParser(limit = 1024 * 1024): Middleware {
  return async (ctx, next) => {
    if (!ctx.is('application/json')) return next();
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) ctx.throw(413, 'body too large');
      chunks.push(chunk);
    }
    try {
      (ctx.request as { body?: unknown }).body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      ctx.throw(400, 'invalid JSON');
    }
    return next();
  };
}
