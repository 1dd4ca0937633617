// Real ZeroMQ sockets for tests, on 127.0.0.1 with ports chosen by the OS
// (`tcp://127.0.0.1:*`, read back from lastEndpoint), and the slow-joiner
// problem handled by handshakes instead of sleeps.
import { XPublisher, Subscriber } from 'zeromq';

/** Resolves `p`, or rejects after `ms` naming `what`. */
export function within<T>(what: string, p: Promise<T>, ms = 5_000): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    }),
  ]);
}

/** Polls until `probe()` is truthy. */
export async function until(what: string, probe: () => boolean, ms = 5_000, everyMs = 10): Promise<void> {
  const deadline = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * An XPUB standing in for the laser: it sees subscriptions arrive, so a test
 * can publish the moment the relay's SUB is really listening.
 */
export class FakeLaser {
  readonly socket: XPublisher;
  endpoint = '';
  readonly #subscribed = new Set<string>();

  private constructor(socket: XPublisher) {
    this.socket = socket;
  }

  static async bind(address = 'tcp://127.0.0.1:*'): Promise<FakeLaser> {
    const socket = new XPublisher({ linger: 0, sendHighWaterMark: 0 });
    await socket.bind(address);
    const laser = new FakeLaser(socket);
    laser.endpoint = socket.lastEndpoint!;
    return laser;
  }

  /** Waits until every topic (prefix) in `topics` has been subscribed to ('' = everything). */
  async waitForSubscriptions(topics: readonly string[] = [''], ms = 5_000): Promise<void> {
    const missing = () => topics.filter((t) => !this.#subscribed.has(t));
    await within(`subscriptions to ${JSON.stringify(topics)}`, (async () => {
      while (missing().length > 0) {
        const [frame] = await this.socket.receive();
        if (frame && frame[0] === 1) this.#subscribed.add(frame.subarray(1).toString('utf8'));
      }
    })(), ms);
  }

  async send(frames: string | Buffer | (string | Buffer)[]): Promise<void> {
    await this.socket.send(frames);
  }

  close(): void {
    this.socket.close();
  }
}

/** A SUB that collects what it receives; `probe` handles the slow joiner against a plain PUB. */
export class Collector {
  readonly socket: Subscriber;
  readonly messages: Buffer[][] = [];
  readonly #loop: Promise<void>;
  #ignore: ((frames: Buffer[]) => boolean) | undefined;

  constructor(endpoint: string, topics: string[] = [], options: { receiveHwm?: number; read?: boolean } = {}) {
    this.socket = new Subscriber({ linger: 0, receiveHighWaterMark: options.receiveHwm ?? 0 });
    if (topics.length === 0) this.socket.subscribe();
    else this.socket.subscribe(...topics);
    this.socket.connect(endpoint);
    this.#loop = options.read === false ? Promise.resolve() : this.read();
  }

  async read(): Promise<void> {
    try {
      for await (const frames of this.socket) if (!this.#ignore?.(frames)) this.messages.push(frames);
    } catch {
      // closed
    }
  }

  /** Calls `publishProbe` until a message it sent arrives (`isProbe`), then forgets the probes. */
  async waitUntilJoined(publishProbe: () => void, isProbe: (frames: Buffer[]) => boolean, ms = 5_000): Promise<number> {
    let probes = 0;
    await until('the subscriber to join', () => {
      if (this.messages.some(isProbe)) return true;
      publishProbe();
      probes++;
      return false;
    }, ms, 20);
    // forget the probes (and anything before them); late probes are ignored
    this.#ignore = isProbe;
    this.messages.splice(0, this.messages.length);
    return probes;
  }

  async close(): Promise<void> {
    this.socket.close();
    await this.#loop;
  }
}
