export * from "./accounts";
export * from "./organizations";
export * from "./groups";
export * from "./forums";
export * from "./chat";
export * from "./moderation";
export * from "./events";
export * from "./library";
