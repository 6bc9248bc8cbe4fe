/**
 * Small integer codes used on the detector's per-request path (spec §2) and for ejection types
 * (envoy.data.cluster.v3.OutlierEjectionType: the numeric values are the proto enum's, so the event
 * log can print names from one table).
 */
import { OutlierResult } from './result-codes.ts';

/**
 * `Upstream::Outlier::Result` (spec §2). The numbers live in result-codes.ts, shared with the router
 * (src/envoy/router), so both sides agree by construction.
 */
export const Result = OutlierResult;
export type ResultCode = (typeof Result)[keyof typeof Result];

export const LOCAL_ORIGIN_CONNECT_SUCCESS = Result.LOCAL_ORIGIN_CONNECT_SUCCESS;
export const LOCAL_ORIGIN_CONNECT_SUCCESS_FINAL = Result.LOCAL_ORIGIN_CONNECT_SUCCESS_FINAL;
export const LOCAL_ORIGIN_CONNECT_FAILED = Result.LOCAL_ORIGIN_CONNECT_FAILED;
export const LOCAL_ORIGIN_TIMEOUT = Result.LOCAL_ORIGIN_TIMEOUT;
export const EXT_ORIGIN_REQUEST_SUCCESS = Result.EXT_ORIGIN_REQUEST_SUCCESS;
export const EXT_ORIGIN_REQUEST_FAILED = Result.EXT_ORIGIN_REQUEST_FAILED;

export const RESULT_NAMES: readonly string[] = Object.keys(Result);

/** Parses a result name ("LOCAL_ORIGIN_TIMEOUT") to its code, or undefined. */
export function resultFromName(name: string): ResultCode | undefined {
  return Object.prototype.hasOwnProperty.call(Result, name) ? Result[name as keyof typeof Result] : undefined;
}

/** envoy.data.cluster.v3.OutlierEjectionType (EXTENSION = 7 is not modelled). */
export const EjectionType = {
  CONSECUTIVE_5XX: 0,
  CONSECUTIVE_GATEWAY_FAILURE: 1,
  SUCCESS_RATE: 2,
  CONSECUTIVE_LOCAL_ORIGIN_FAILURE: 3,
  SUCCESS_RATE_LOCAL_ORIGIN: 4,
  FAILURE_PERCENTAGE: 5,
  FAILURE_PERCENTAGE_LOCAL_ORIGIN: 6,
} as const;
export type EjectionTypeCode = (typeof EjectionType)[keyof typeof EjectionType];
export const EJECTION_TYPE_COUNT = 7;

/** Proto enum names, indexed by code. */
export const EJECTION_TYPE_NAMES: readonly string[] = [
  'CONSECUTIVE_5XX',
  'CONSECUTIVE_GATEWAY_FAILURE',
  'SUCCESS_RATE',
  'CONSECUTIVE_LOCAL_ORIGIN_FAILURE',
  'SUCCESS_RATE_LOCAL_ORIGIN',
  'FAILURE_PERCENTAGE',
  'FAILURE_PERCENTAGE_LOCAL_ORIGIN',
];

/** Success-rate monitor kinds (spec §6.1): one pass each per tick, external first. */
export const Monitor = { EXTERNAL: 0, LOCAL: 1 } as const;
export type MonitorKind = (typeof Monitor)[keyof typeof Monitor];
