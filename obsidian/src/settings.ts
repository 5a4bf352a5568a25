/** The plugin's settings and their tab in Obsidian's settings window. */
import { PluginSettingTab, Setting, type App } from "obsidian";
import type { BlockOptions } from "../../src/plugins/block.js";

export interface MatdiffSettings {
  /** Show the derivation in every block (otherwise only with `steps` after `matdiff`). */
  steps: boolean;
  /** The gradient convention for symmetric variables (a block's `cookbook` flag still asks for the Cookbook's). */
  symmetric: "sym" | "cookbook";
  /** Show the NumPy code in every block (otherwise only with `numpy`). */
  numpy: boolean;
}

export const DEFAULT_SETTINGS: Readonly<MatdiffSettings> = { steps: false, symmetric: "sym", numpy: false };

/** Settings from `data.json`, which a person may have edited: anything unexpected falls back to the default. */
export function readSettings(data: unknown): MatdiffSettings {
  const d = (typeof data === "object" && data !== null ? data : {}) as Record<string, unknown>;
  return {
    steps: typeof d.steps === "boolean" ? d.steps : DEFAULT_SETTINGS.steps,
    symmetric: d.symmetric === "cookbook" || d.symmetric === "sym" ? d.symmetric : DEFAULT_SETTINGS.symmetric,
    numpy: typeof d.numpy === "boolean" ? d.numpy : DEFAULT_SETTINGS.numpy,
  };
}

export const blockOptions = (s: MatdiffSettings): BlockOptions => ({ steps: s.steps, numpy: s.numpy, symmetric: s.symmetric });

/** What the tab needs of the plugin. */
export interface SettingsHost {
  readonly settings: MatdiffSettings;
  saveSettings(change: Partial<MatdiffSettings>): Promise<void>;
}

export class MatdiffSettingTab extends PluginSettingTab {
  constructor(app: App, private readonly host: SettingsHost & ConstructorParameters<typeof PluginSettingTab>[1]) {
    super(app, host);
  }

  override display(): void {
    const { containerEl } = this;
    containerEl.empty();
    new Setting(containerEl)
      .setName("Show steps by default")
      .setDesc("Show the derivation, each step with its reason, in every matdiff block. Without this, a block shows it when its first line is ```matdiff steps.")
      .addToggle((t) => t.setValue(this.host.settings.steps).onChange((steps) => this.host.saveSettings({ steps })));
    new Setting(containerEl)
      .setName("Symmetric variables")
      .setDesc("The gradient of a function of a symmetric matrix S. The symmetric gradient (G + Gᵀ)/2 satisfies df = ⟨∇f, dS⟩ for every symmetric dS; the Matrix Cookbook's G + Gᵀ − G ⊙ I holds the partial derivatives in the independent entries. Every result says which one it used.")
      .addDropdown((d) => d
        .addOption("sym", "Symmetric gradient (G + Gᵀ)/2")
        .addOption("cookbook", "Matrix Cookbook G + Gᵀ − G ⊙ I")
        .setValue(this.host.settings.symmetric)
        .onChange((v) => this.host.saveSettings({ symmetric: v === "cookbook" ? "cookbook" : "sym" })));
    new Setting(containerEl)
      .setName("Show NumPy code")
      .setDesc("Show the result as NumPy code under every matdiff block. Without this, a block shows it with ```matdiff numpy.")
      .addToggle((t) => t.setValue(this.host.settings.numpy).onChange((numpy) => this.host.saveSettings({ numpy })));
  }
}
