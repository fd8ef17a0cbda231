export * from "./windows";
export * from "./profiles";
export * from "./score-file";
export * from "./sweep";
export * from "./event-metrics";
