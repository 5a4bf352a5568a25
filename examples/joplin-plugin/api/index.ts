// The `api` module of a Joplin plugin: Joplin runs the plugin with a global
// `joplin`. A project made with Joplin's generator (yo joplin) has the full
// typed API in its api/ folder; this example needs only this.
declare const joplin: {
  plugins: { register(script: { onStart(): Promise<void> }): void };
  contentScripts: { register(type: string, id: string, scriptPath: string): Promise<void> };
};
export default joplin;
