import S3rver from 's3rver';

export interface LocalS3 {
  /** The emulator's base URL (path-style: `<endpoint>/<bucket>/<key>`); handlers read it from S3_ENDPOINT. */
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * Starts the S3 emulator (`s3rver`) in this process with the documents bucket. Objects are plain
 * files under `directory` (kept between runs by `npm start`, a temporary folder in tests).
 */
export async function startS3(options: {
  port: number;
  directory: string;
  bucket: string;
  host?: string;
}): Promise<LocalS3> {
  const host = options.host ?? '127.0.0.1';
  const server = new S3rver({
    port: options.port,
    address: host,
    silent: true,
    directory: options.directory,
    configureBuckets: [{ name: options.bucket }],
  });
  const address = await server.run();
  return {
    endpoint: `http://${host}:${address.port}`,
    stop: () => server.close(),
  };
}
