// The one type of Joplin's api/types.ts that this example uses, with Joplin's values.
export enum ContentScriptType {
  MarkdownItPlugin = "markdownItPlugin",
  CodeMirrorPlugin = "codeMirrorPlugin",
}
