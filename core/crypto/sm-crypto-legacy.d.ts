// Types for sm-crypto 0.5.8 (devDependency, untyped): used only as an interop oracle in tests and as the baseline
// of bench/crypto-bench.ts. Production code uses sm-crypto-v2 through this folder.
declare module 'sm-crypto' {
  interface KeyPair {
    privateKey: string;
    publicKey: string;
  }
  interface SignOptions {
    der?: boolean;
    hash?: boolean;
    publicKey?: string;
    userId?: string;
  }
  interface Sm4Options {
    padding?: 'pkcs#7' | 'pkcs#5' | 'none';
    mode?: 'cbc' | 'ecb';
    iv?: string | number[] | Uint8Array;
    output?: 'string' | 'array';
  }
  const smCrypto: {
    sm2: {
      generateKeyPairHex(): KeyPair;
      getPublicKeyFromPrivateKey(privateKey: string): string;
      doSignature(msg: string | number[] | Uint8Array, privateKey: string, opts?: SignOptions): string;
      doVerifySignature(msg: string | number[] | Uint8Array, signHex: string, publicKey: string, opts?: SignOptions): boolean;
      /** Hex C1 ‖ C3 ‖ C2 for cipherMode 1 (C1 without its 04 prefix). */
      doEncrypt(msg: string | number[] | Uint8Array, publicKey: string, cipherMode?: 0 | 1): string;
      doDecrypt(data: string, privateKey: string, cipherMode: 0 | 1, opts: { output: 'array' }): number[];
      doDecrypt(data: string, privateKey: string, cipherMode?: 0 | 1, opts?: { output?: 'string' }): string;
    };
    sm3(input: string | number[] | Uint8Array, opts?: { key: string | number[] | Uint8Array; mode?: 'hmac' }): string;
    sm4: {
      encrypt(input: string | number[] | Uint8Array, key: string | number[] | Uint8Array, opts?: Sm4Options): string | number[];
      decrypt(input: string | number[] | Uint8Array, key: string | number[] | Uint8Array, opts?: Sm4Options): string | number[];
    };
  };
  export = smCrypto;
}
