// Command hostsvc is a Marine service the runtime's tests build with
// marine/build: it reaches everything the host offers a module. Its
// WASI sandbox (files, directories, environment, stdout and stderr),
// the logger, mounted binaries, and call parameters in the layout of
// each host API namespace.
package main

import (
	"fmt"
	"os"
	"sort"

	"github.com/aquarium-p2p/aquarium/marine/sdk"
)

// MountedBinaryResult is what a mounted binary returns, laid out as the
// reference SDK's record.
type MountedBinaryResult struct {
	RetCode int32  `json:"ret_code"`
	Error   string `json:"error"`
	Stdout  []byte `json:"stdout"`
	Stderr  []byte `json:"stderr"`
}

// binaries are the host binaries the service config must mount.
//
//marine:import __marine_host_api_v3
var binaries struct {
	Echo  func(args []string) MountedBinaryResult
	Sleep func(args []string) MountedBinaryResult
}

// TetrapletV0 is a tetraplet of the host and __marine_host_api_v1
// namespaces (SDK 0.12 and before).
type TetrapletV0 struct {
	PeerPK       string `json:"peer_pk"`
	ServiceID    string `json:"service_id"`
	FunctionName string `json:"function_name"`
	JSONPath     string `json:"json_path"`
}

// CallParametersV0 is the layout of the host namespace (SDK 0.10).
type CallParametersV0 struct {
	InitPeerID           string          `json:"init_peer_id"`
	ServiceID            string          `json:"service_id"`
	ServiceCreatorPeerID string          `json:"service_creator_peer_id"`
	HostID               string          `json:"host_id"`
	ParticleID           string          `json:"particle_id"`
	Tetraplets           [][]TetrapletV0 `json:"tetraplets"`
}

// CallParametersV1 is the layout of __marine_host_api_v1 (SDK 0.12).
type CallParametersV1 struct {
	InitPeerID           string          `json:"init_peer_id"`
	ServiceID            string          `json:"service_id"`
	ServiceCreatorPeerID string          `json:"service_creator_peer_id"`
	HostID               string          `json:"host_id"`
	WorkerID             string          `json:"worker_id"`
	ParticleID           string          `json:"particle_id"`
	Tetraplets           [][]TetrapletV0 `json:"tetraplets"`
}

// ParticleParameters describe the particle in __marine_host_api_v2 and v3.
type ParticleParameters struct {
	ID         string `json:"id"`
	InitPeerID string `json:"init_peer_id"`
	Timestamp  uint64 `json:"timestamp"`
	TTL        uint32 `json:"ttl"`
	Script     string `json:"script"`
	Signature  []byte `json:"signature"`
	Token      string `json:"token"`
}

// TetrapletV2 is a tetraplet of __marine_host_api_v2 (SDK 0.13).
type TetrapletV2 struct {
	PeerPK       string `json:"peer_pk"`
	ServiceID    string `json:"service_id"`
	FunctionName string `json:"function_name"`
	Lambda       string `json:"lambda"`
}

// CallParametersV2 is the layout of __marine_host_api_v2 (SDK 0.13).
type CallParametersV2 struct {
	Particle             ParticleParameters `json:"particle"`
	ServiceID            string             `json:"service_id"`
	ServiceCreatorPeerID string             `json:"service_creator_peer_id"`
	HostID               string             `json:"host_id"`
	WorkerID             string             `json:"worker_id"`
	Tetraplets           [][]TetrapletV2    `json:"tetraplets"`
}

//marine:import host
var hostV0 struct {
	GetCallParameters func() CallParametersV0
}

//marine:import __marine_host_api_v1
var hostV1 struct {
	GetCallParameters func() CallParametersV1
}

//marine:import __marine_host_api_v2
var hostV2 struct {
	GetCallParameters func() CallParametersV2
}

// ParamsV0 returns the call parameters as the host namespace serves them.
func ParamsV0() CallParametersV0 { return hostV0.GetCallParameters() }

// ParamsV1 returns the call parameters as __marine_host_api_v1 serves them.
func ParamsV1() CallParametersV1 { return hostV1.GetCallParameters() }

// ParamsV2 returns the call parameters as __marine_host_api_v2 serves them.
func ParamsV2() CallParametersV2 { return hostV2.GetCallParameters() }

// ParamsV3 returns the particle id as the SDK reads it
// (__marine_host_api_v3).
func ParamsV3() string { return sdk.GetCallParameters().Particle.ID }

// RunEcho runs the mounted echo binary.
func RunEcho(args []string) MountedBinaryResult { return binaries.Echo(args) }

// RunSleep runs the mounted sleep binary.
func RunSleep(args []string) MountedBinaryResult { return binaries.Sleep(args) }

// ReadFile returns the file's content, or the error prefixed by "error: ".
func ReadFile(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "error: " + err.Error()
	}
	return string(b)
}

// WriteFile writes content to path and returns "" or the error.
func WriteFile(path string, content string) string {
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		return err.Error()
	}
	return ""
}

// ListDir returns the sorted names in a directory, or the error as its
// only element prefixed by "error: ".
func ListDir(path string) []string {
	entries, err := os.ReadDir(path)
	if err != nil {
		return []string{"error: " + err.Error()}
	}
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.Name()
	}
	sort.Strings(names)
	return names
}

// Environ returns the sorted environment.
func Environ() []string {
	env := os.Environ()
	sort.Strings(env)
	return env
}

// Say logs msg at level through the host logger, and prints it to
// stdout and stderr.
func Say(level int32, msg string) {
	sdk.Log(level, msg)
	fmt.Println("out: " + msg)
	fmt.Fprintln(os.Stderr, "err: "+msg)
}

// Print writes msg to stdout without ending the line.
func Print(msg string) { fmt.Print(msg) }

func main() {}
