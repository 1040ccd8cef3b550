package lambda

// Demo functions for power tuning: CPU-bound ones (faster with memory up
// to one vCPU), I/O-bound ones (barely faster), and one whose working set
// does not fit the smallest sizes (out of memory there). Their behaviour
// is sim.DemoBehaviour's, by name.
const (
	ChecksumWorker  = "checksum-worker"  // CPU-bound, 512 MB configured
	VideoThumbnails = "video-thumbnails" // CPU-bound, 1024 MB configured
	InventoryProxy  = "inventory-proxy"  // I/O-bound, 1024 MB configured (oversized)
	WebhookRelay    = "webhook-relay"    // I/O-bound, 512 MB configured
	CSVImporter     = "csv-importer"     // ~300 MB working set, 1024 MB configured
)

// TuningDemo lists the power-tuning demo functions.
var TuningDemo = []string{ChecksumWorker, VideoThumbnails, InventoryProxy, WebhookRelay, CSVImporter}

func tuningFleet(mk func(name, team, stage, runtime string, mem, timeout int) fleetFn) []fleetFn {
	type spec struct {
		name, team, runtime, desc string
		mem, timeout              int
	}
	var out []fleetFn
	for _, s := range []spec{
		{ChecksumWorker, "data", "python3.12", "SHA-256 of uploaded objects (CPU-bound)", 512, 60},
		{VideoThumbnails, "media", "nodejs20.x", "Frames to thumbnails (CPU-bound)", 1024, 60},
		{InventoryProxy, "catalog", "nodejs20.x", "Inventory lookups against the warehouse API (I/O-bound)", 1024, 10},
		{WebhookRelay, "platform", "python3.12", "Forwards partner webhooks (I/O-bound)", 512, 10},
		{CSVImporter, "data", "python3.12", "Parses CSV uploads into the catalogue (~300 MB working set)", 1024, 60},
	} {
		f := mk(s.name, s.team, "prod", s.runtime, s.mem, s.timeout)
		f.cfg.Description = s.desc
		f.hint = s.name
		f.versions = 1
		out = append(out, f)
	}
	return out
}
