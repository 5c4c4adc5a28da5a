// The 国密 primitives of yiyun. Every room imports cryptography from here only: nothing else may call node:crypto's
// SM algorithms or sm-crypto-v2 directly, so that one folder carries the interop tests and the 密评 argument.

export type { Bytes } from './bytes';
export { randomBytes, randomToken, timingSafeEqual } from './random';
export { createHmacSm3, createSm3, hmacSm3, pbkdf2Sm3, pbkdf2Sm3Sync, sm3, sm3Hex, type Sm3Hasher } from './sm3';
export {
  createSm4Cipher,
  SM4_BLOCK_LENGTH,
  SM4_GCM_IV_LENGTH,
  SM4_GCM_TAG_LENGTH,
  SM4_KEY_LENGTH,
  sm4CbcDecrypt,
  sm4CbcEncrypt,
  sm4CtrDecrypt,
  sm4CtrEncrypt,
  sm4EncryptBlock,
  sm4GcmDecrypt,
  sm4GcmEncrypt,
  sm4GcmOpen,
  sm4GcmSeal,
  type Sm4Stream,
} from './sm4';
export { SM4_CTR_HMAC_KEY_LENGTH, sm4CtrHmacOpen, sm4CtrHmacSeal } from './sm4-ctr-hmac';
export {
  generateSm2KeyPair,
  normaliseSm2PublicKey,
  SM2_DEFAULT_USER_ID,
  sm2PublicKeyFromPrivate,
  sm2ZValue,
  type Sm2KeyPair,
  type Sm2SignOptions,
} from './sm2-keys';
export {
  createSm2Signer,
  createSm2Verifier,
  sm2Sign,
  sm2SignatureFromRaw,
  sm2SignatureToRaw,
  sm2Verify,
  type Sm2Signer,
  type Sm2Verifier,
} from './sm2';
export { sm2Decrypt, sm2Encrypt, type Sm2CiphertextFormat, type Sm2EncryptOptions } from './sm2-encrypt';
export {
  sm2KeyFromDer,
  sm2KeyFromPem,
  sm2PrivateKeyToDer,
  sm2PrivateKeyToPem,
  sm2PublicKeyToDer,
  sm2PublicKeyToPem,
  type Sm2KeyDerFormat,
  type Sm2ParsedKey,
} from './sm2-pem';
export { newTotpSecret, totpAt, totpUri, verifyTotp, type TotpKey } from './totp';
export { sm3OtpAt, sm3OtpForId, sm3OtpId, verifySm3Otp, type Sm3OtpOptions } from './sm3-otp';
