// The plugin's entry: registers the content script with Joplin's renderer.
import joplin from "api";
import { ContentScriptType } from "api/types";

joplin.plugins.register({
  onStart: async () => {
    await joplin.contentScripts.register(ContentScriptType.MarkdownItPlugin, "matdiff", "./markdownItPlugin.js");
  },
});
