/** Auto-hide's words, shared by the server (auto-hide.server.ts) and the components that show them. */
export const HIDDEN_NOTICE = "Hidden while moderators review reports from members.";
/** A hidden thread's title in lists, the home page and notices, for everyone but the group's moderators. */
export const HIDDEN_TITLE = "Hidden pending review";
