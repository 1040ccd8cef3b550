package keymap

import "charm.land/bubbles/v2/key"

// Invoke holds the bindings of the invoke pane. Open is also honoured by
// the functions list and the function view. While the payload editor has
// focus it takes every key, so the editor's bindings are ctrl/alt chords;
// Send always goes through a confirmation (DryRun excepted, it changes nothing).
type Invoke struct {
	Open      key.Binding // open the invoke pane for the selected function
	Send      key.Binding
	Format    key.Binding // pretty-print the payload
	Template  key.Binding // next event template
	Qualifier key.Binding // next qualifier ($LATEST, versions, aliases)
	PickQual  key.Binding // type a qualifier (with many versions)
	Type      key.Binding // next invocation type
	Save      key.Binding // save the payload as a test event
	Load      key.Binding // load a saved test event or a file
	Edit      key.Binding // focus the editor again
	Older     key.Binding // previous result in the history
	Newer     key.Binding // next result in the history
}

func defaultInvoke() Invoke {
	return Invoke{
		Open:      key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "invoke")),
		Send:      key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "send")),
		Format:    key.NewBinding(key.WithKeys("ctrl+f"), key.WithHelp("ctrl+f", "pretty-print")),
		Template:  key.NewBinding(key.WithKeys("ctrl+t"), key.WithHelp("ctrl+t", "template")),
		Qualifier: key.NewBinding(key.WithKeys("ctrl+q"), key.WithHelp("ctrl+q", "qualifier")),
		PickQual:  key.NewBinding(key.WithKeys("alt+q"), key.WithHelp("alt+q", "type a qualifier")),
		Type:      key.NewBinding(key.WithKeys("ctrl+y"), key.WithHelp("ctrl+y", "invocation type")),
		Save:      key.NewBinding(key.WithKeys("alt+s"), key.WithHelp("alt+s", "save event")),
		Load:      key.NewBinding(key.WithKeys("alt+o"), key.WithHelp("alt+o", "load event/file")),
		Edit:      key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "edit payload")),
		Older:     key.NewBinding(key.WithKeys("["), key.WithHelp("[", "older result")),
		Newer:     key.NewBinding(key.WithKeys("]"), key.WithHelp("]", "newer result")),
	}
}

// ShortHelp implements help.KeyMap.
func (i Invoke) ShortHelp() []key.Binding {
	return []key.Binding{i.Send, i.Template, i.Qualifier, i.Type}
}

// FullHelp implements help.KeyMap.
func (i Invoke) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{i.Send, i.Format, i.Template, i.Qualifier, i.PickQual, i.Type},
		{i.Save, i.Load, i.Edit, i.Older, i.Newer, i.Open},
	}
}
