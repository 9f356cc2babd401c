//! The proof that matters most: a real sshd on a loopback port, whose PAM
//! service is authctl's, lets `ssh` in with the right password and not
//! with a wrong one. The OS account is `nobody` (sshd looks users up in
//! NSS); its shell refuses a session, so what is checked is sshd's own
//! "Accepted password" line, the client's outcome and authctl's audit log.

use super::*;
use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::os::unix::fs::PermissionsExt;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

/// The OS user (and authctl account) that logs in.
const USER: &str = "nobody";

/// A running sshd, killed when dropped.
struct Sshd {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Drop for Sshd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Sshd {
    /// Starts sshd from a link named `service` (sshd names its PAM service
    /// after the name it runs under), listening on 127.0.0.1 only.
    fn start(dir: &Path, service: &str) -> Sshd {
        let key = dir.join("host_key");
        let made = Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-f"])
            .arg(&key)
            .status()
            .expect("ssh-keygen");
        assert!(made.success());
        // sshd refuses to start without its privilege-separation directory.
        std::fs::create_dir_all("/run/sshd").expect("/run/sshd");
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let config = dir.join("sshd_config");
        std::fs::write(
            &config,
            format!(
                "ListenAddress 127.0.0.1:{port}\n\
                 HostKey {}\n\
                 PidFile none\n\
                 UsePAM yes\n\
                 PasswordAuthentication yes\n\
                 KbdInteractiveAuthentication no\n\
                 PubkeyAuthentication no\n\
                 PermitRootLogin no\n\
                 AllowUsers {USER}\n\
                 LogLevel VERBOSE\n",
                key.display()
            ),
        )
        .expect("sshd_config");
        let link = dir.join(service);
        std::os::unix::fs::symlink("/usr/sbin/sshd", &link).expect("link sshd");
        let log = dir.join("sshd.log");
        let child = Command::new(&link)
            .args(["-D", "-e", "-f"])
            .arg(&config)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).expect("sshd log"))
            .spawn()
            .expect("start sshd");
        let sshd = Sshd { child, port, log };
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "sshd did not start: {}",
                sshd.said()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        sshd
    }

    /// What sshd has logged so far.
    fn said(&self) -> String {
        let mut text = String::new();
        if let Ok(mut file) = std::fs::File::open(&self.log) {
            let _ = file.read_to_string(&mut text);
        }
        text
    }

    /// `ssh nobody@127.0.0.1 true` with `password` given by SSH_ASKPASS
    /// (one try, password authentication only); whether sshd accepted it,
    /// once its verdict is in its log.
    fn log_in(&self, dir: &Path, password: &str) -> bool {
        let askpass = dir.join("askpass");
        std::fs::write(
            &askpass,
            format!("#!/bin/sh\nprintf '%s\\n' '{password}'\n"),
        )
        .expect("askpass");
        std::fs::set_permissions(&askpass, std::fs::Permissions::from_mode(0o700))
            .expect("chmod askpass");
        let before = self.said().len();
        let port = self.port.to_string();
        let client = Command::new("ssh")
            .args(["-F", "/dev/null", "-p", &port])
            .args([
                "-o",
                "StrictHostKeyChecking=no",
                "-o",
                "UserKnownHostsFile=/dev/null",
            ])
            .args([
                "-o",
                "PreferredAuthentications=password",
                "-o",
                "NumberOfPasswordPrompts=1",
            ])
            .args([
                "-o",
                "ConnectTimeout=20",
                &format!("{USER}@127.0.0.1"),
                "true",
            ])
            .env("SSH_ASKPASS", &askpass)
            .env("SSH_ASKPASS_REQUIRE", "force")
            .env("DISPLAY", ":0")
            .stdin(Stdio::null())
            .output()
            .expect("run ssh");
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let said = self.said()[before..].to_string();
            if said.contains(&format!("Accepted password for {USER} from 127.0.0.1")) {
                return true;
            }
            if said.contains(&format!("Failed password for {USER} from 127.0.0.1")) {
                return false;
            }
            assert!(
                Instant::now() < deadline,
                "no verdict from sshd: {said}\nssh: {}",
                String::from_utf8_lossy(&client.stderr)
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// Whether sshd and the ssh client are here (as root); if not, says why
/// once, or fails with `AUTHCTL_REQUIRE_PAM=1`.
fn sshd_available() -> bool {
    if !pam_stack_available() {
        return false;
    }
    let have = |p: &str| Path::new(p).exists();
    if have("/usr/sbin/sshd") && have("/usr/bin/ssh") && have("/usr/bin/ssh-keygen") {
        return true;
    }
    let required = std::env::var("AUTHCTL_REQUIRE_PAM").is_ok_and(|v| v.trim() == "1");
    let why = "sshd or ssh is not installed (apt-get install openssh-server openssh-client)";
    assert!(!required, "AUTHCTL_REQUIRE_PAM=1 but {why}");
    eprintln!("skipping the sshd test: {why}");
    false
}

#[test]
fn sshd_lets_the_right_password_in_and_keeps_a_wrong_one_out() {
    if !sshd_available() {
        return;
    }
    let env = TestEnv::new();
    env.register(USER, PW);
    let pam = PamService::with_lines(&env, |exec| {
        format!(
            "auth     required pam_exec.so quiet expose_authtok {exec} pam auth\n\
             account  required pam_exec.so quiet {exec} pam account\n\
             session  optional pam_permit.so\n\
             password required pam_deny.so\n"
        )
    });
    let dir = env.dir.path().join("sshd");
    std::fs::create_dir_all(&dir).expect("sshd dir");
    let sshd = Sshd::start(&dir, &pam.name);

    assert!(!sshd.log_in(&dir, PW2), "{}", sshd.said());
    assert!(sshd.log_in(&dir, PW), "{}", sshd.said());

    let origin = format!("pam service {}, remote host 127.0.0.1", pam.name);
    assert_eq!(
        events_of(&env, USER)[1..],
        [
            ("login_failed".into(), "failure".into(), origin.clone()),
            ("password_verified".into(), "success".into(), origin),
        ]
    );
}
