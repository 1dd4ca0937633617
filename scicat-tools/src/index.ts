/** Library entry: extraction and upload building blocks. */
export { extract, detect, findCodeVersion } from "./extract/detect.ts";
export type { ExtractOptions, Detection } from "./extract/detect.ts";
export type { Code, ExtractResult, Warning } from "./extract/metadata.ts";
export { extractSmilei } from "./extract/smilei.ts";
export { extractWarpx } from "./extract/warpx.ts";
export { extractPicongpu } from "./extract/picongpu.ts";
export { extractPicmi } from "./extract/picmi.ts";
export { evaluatePython } from "./extract/python-eval.ts";
export { parseExpression, evaluate, evaluateText } from "./extract/expr.ts";
export { toIntensityFwhm, STORED_DURATION_DEFINITION, DURATION_DEFINITIONS } from "./extract/units.ts";
export { ScicatClient, ScicatHttpError } from "./upload/client.ts";
export { loadSettings, FIELDS, SETTINGS_SCHEMA } from "./upload/config.ts";
export type { UploadSettings } from "./upload/config.ts";
export { buildPayloads, listFiles } from "./upload/dataset.ts";
export { runBatch, uploadOne } from "./upload/batch.ts";
