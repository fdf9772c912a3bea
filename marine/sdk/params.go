package sdk

// CallParameters describe the particle the current call serves.
type CallParameters struct {
	Particle             ParticleParameters
	ServiceID            string
	ServiceCreatorPeerID string
	HostID               string
	WorkerID             string
	Tetraplets           [][]SecurityTetraplet
}

// ParticleParameters describe a particle.
type ParticleParameters struct {
	ID         string
	InitPeerID string
	Timestamp  uint64
	TTL        uint32
	Script     string
	Signature  []byte
	Token      string
}

// SecurityTetraplet records where an argument value came from.
type SecurityTetraplet struct {
	PeerPK       string
	ServiceID    string
	FunctionName string
	Lens         string
}

// Log levels of the host logger.
const (
	LevelError int32 = 1
	LevelWarn  int32 = 2
	LevelInfo  int32 = 3
	LevelDebug int32 = 4
	LevelTrace int32 = 5
)
