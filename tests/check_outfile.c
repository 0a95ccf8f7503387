// SPDX-License-Identifier: GPL-2.0-only
/*
 * check_outfile.c - the careful open of output files: the symlink walk, regular
 * files only (a FIFO refused without waiting), the ownership policy, and no
 * truncation before every check has passed. As root, "another user" is uid 65534
 * (files chowned to it); otherwise the policy's trusted uid is made someone else's.
 */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outfile.h"
#include "check_run.h"

#define OTHER_UID 65534

static char dir[64];
static char paths[2][256];	/* two, for link(at(a), at(b)) */
static char err[1024];

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/check_outfile.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static const char *at(const char *name)
{
	static unsigned n;
	char *path = paths[n++ % 2];

	snprintf(path, sizeof(paths[0]), "%s/%s", dir, name);
	return path;
}

/* A privileged run's policy under which name (made so here) belongs to another user. */
static struct outfile_policy foreign_policy(const char *name, bool link)
{
	struct outfile_policy p = { .check_owner = true, .trusted_uid = geteuid() };

	if (geteuid() == 0)
		ck_assert_int_eq((link ? lchown : chown)(at(name), OTHER_UID, OTHER_UID), 0);
	else
		p.trusted_uid = geteuid() + 1;
	return p;
}

static void write_file(const char *name, const char *text, mode_t mode)
{
	int fd = open(at(name), O_WRONLY | O_CREAT | O_TRUNC, mode);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	ck_assert_int_eq(fchmod(fd, mode), 0);
	close(fd);
}

static off_t size_of(const char *name)
{
	struct stat st;

	ck_assert_int_eq(stat(at(name), &st), 0);
	return st.st_size;
}

/* A privileged run's policy that trusts this test's user. */
static struct outfile_policy own_policy(void)
{
	struct outfile_policy p = { .check_owner = true, .trusted_uid = geteuid() };

	return p;
}

START_TEST(test_own_symlink_followed)
{
	struct outfile_policy p = own_policy();
	bool empty = false;
	int fd;

	ck_assert_int_eq(mkdir(at("real"), 0755), 0);
	ck_assert_int_eq(symlink("real", at("link")), 0);
	fd = outfile_open(at("link/out.csv"), 0, &p, &empty, err, sizeof(err));
	ck_assert_msg(fd >= 0, "%s", err);
	ck_assert(empty);
	close(fd);
	ck_assert_int_eq(size_of("real/out.csv"), 0);
	/* Relative, through an absolute link and "..", as the kernel would resolve it. */
	ck_assert_int_eq(chdir(dir), 0);
	ck_assert_int_eq(symlink(dir, at("abs")), 0);
	fd = outfile_open("abs/real/../real/out2.csv", 0, &p, &empty, err, sizeof(err));
	ck_assert_msg(fd >= 0, "%s", err);
	close(fd);
	ck_assert_int_eq(size_of("real/out2.csv"), 0);
}
END_TEST

START_TEST(test_foreign_symlink_refused)
{
	struct outfile_policy p;
	char want[512];

	ck_assert_int_eq(mkdir(at("secret"), 0700), 0);
	write_file("secret/audit.csv", "secret\n", 0600);
	ck_assert_int_eq(symlink(at("secret"), at("rt-dir")), 0);
	p = foreign_policy("rt-dir", true);
	ck_assert_int_eq(outfile_open(at("rt-dir/audit.csv"), 0, &p, NULL, err, sizeof(err)),
			 -EPERM);
	snprintf(want, sizeof(want), "open %s/rt-dir/audit.csv: %s/rt-dir is a symbolic link "
		 "owned by another user (uid %u;", dir, dir,
		 geteuid() == 0 ? OTHER_UID : (unsigned)geteuid());
	ck_assert_msg(!strncmp(err, want, strlen(want)), "got '%s', want '%s...'", err, want);
	ck_assert_int_eq(size_of("secret/audit.csv"), 7);
	/* Unprivileged policy too: the walk never follows another user's link. */
	p.check_owner = false;
	ck_assert_int_eq(outfile_open(at("rt-dir/new.csv"), 0, &p, NULL, err, sizeof(err)),
			 -EPERM);
	ck_assert_int_eq(access(at("secret/new.csv"), F_OK), -1);
}
END_TEST

START_TEST(test_final_symlink_and_loop_refused)
{
	struct outfile_policy p = own_policy();

	write_file("target.csv", "x\n", 0600);
	ck_assert_int_eq(symlink("target.csv", at("link.csv")), 0);
	ck_assert_int_eq(outfile_open(at("link.csv"), 0, &p, NULL, err, sizeof(err)), -ELOOP);
	ck_assert_str_eq(err + strlen(err) - strlen("is a symbolic link (refused)"),
			 "is a symbolic link (refused)");
	ck_assert_int_eq(size_of("target.csv"), 2);
	ck_assert_int_eq(symlink("b", at("a")), 0);
	ck_assert_int_eq(symlink("a", at("b")), 0);
	ck_assert_int_eq(outfile_open(at("a/x.csv"), 0, &p, NULL, err, sizeof(err)), -ELOOP);
}
END_TEST

START_TEST(test_fifo_refused)
{
	struct outfile_policy p = own_policy();
	char want[512];

	ck_assert_int_eq(mkfifo(at("fifo"), 0600), 0);
	/* No reader: a blocking open would wait here until the test times out. */
	ck_assert_int_eq(outfile_open(at("fifo"), 0, &p, NULL, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "open %s/fifo: is a FIFO, not a regular file", dir);
	ck_assert_msg(!strncmp(err, want, strlen(want)), "got '%s'", err);
	ck_assert_int_eq(outfile_open("/dev/null", 0, &p, NULL, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(outfile_open(dir, 0, &p, NULL, err, sizeof(err)), -EISDIR);
	ck_assert_int_eq(outfile_open(at("x/"), 0, &p, NULL, err, sizeof(err)), -EISDIR);
}
END_TEST

/*
 * The directory of a file replaced by rename: its descriptor and the last name;
 * what is there under the name now, refused as outfile_open refuses it; nothing made.
 */
START_TEST(test_open_dir)
{
	struct outfile_policy p = own_policy();
	struct stat a, b;
	char *name = NULL, want[512];
	int dfd;

	ck_assert_int_eq(mkdir(at("real"), 0755), 0);
	ck_assert_int_eq(symlink("real", at("link")), 0);
	dfd = outfile_open_dir(at("link/r.prom"), &p, &name, err, sizeof(err));
	ck_assert_msg(dfd >= 0, "%s", err);
	ck_assert_str_eq(name, "r.prom");
	ck_assert_int_eq(fstat(dfd, &a), 0);
	ck_assert_int_eq(stat(at("real"), &b), 0);
	ck_assert(a.st_ino == b.st_ino && a.st_dev == b.st_dev);
	ck_assert_int_eq(fcntl(dfd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	close(dfd);
	free(name);
	ck_assert_int_eq(access(at("real/r.prom"), F_OK), -1);
	/* An existing regular file is fine. */
	write_file("real/r.prom", "x\n", 0644);
	name = NULL;
	dfd = outfile_open_dir(at("real/r.prom"), &p, &name, err, sizeof(err));
	ck_assert_msg(dfd >= 0, "%s", err);
	close(dfd);
	free(name);
	/* Refused: a directory, a FIFO, a link, a missing directory. */
	ck_assert_int_eq(outfile_open_dir(at("real"), &p, &name, err, sizeof(err)), -EISDIR);
	snprintf(want, sizeof(want), "open %s: is a directory, not a regular file", at("real"));
	ck_assert_msg(!strncmp(err, want, strlen(want)), "got '%s'", err);
	ck_assert_int_eq(mkfifo(at("fifo"), 0600), 0);
	ck_assert_int_eq(outfile_open_dir(at("fifo"), &p, &name, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "open %s: is a FIFO, not a regular file", at("fifo"));
	ck_assert_msg(!strncmp(err, want, strlen(want)), "got '%s'", err);
	ck_assert_int_eq(symlink("real/r.prom", at("l.prom")), 0);
	ck_assert_int_eq(outfile_open_dir(at("l.prom"), &p, &name, err, sizeof(err)), -ELOOP);
	ck_assert_int_eq(outfile_open_dir(at("none/r.prom"), &p, &name, err, sizeof(err)),
			 -ENOENT);
	snprintf(want, sizeof(want), "open %s: No such file or directory", at("none/r.prom"));
	ck_assert_str_eq(err, want);
	ck_assert_int_eq(outfile_open_dir(at("x/"), &p, &name, err, sizeof(err)), -EISDIR);
	ck_assert_int_eq(outfile_open_dir("/dev/null", &p, &name, err, sizeof(err)), -EINVAL);
}
END_TEST

START_TEST(test_foreign_file_refused_untruncated)
{
	struct outfile_policy p;
	char want[512];

	write_file("theirs.csv", "planted\n", 0666);
	p = foreign_policy("theirs.csv", false);
	ck_assert_int_eq(outfile_open(at("theirs.csv"), 0, &p, NULL, err, sizeof(err)), -EPERM);
	snprintf(want, sizeof(want), "open %s/theirs.csv: is owned by another user (uid %u, "
		 "mode 0666", dir, geteuid() == 0 ? OTHER_UID : (unsigned)geteuid());
	ck_assert_msg(!strncmp(err, want, strlen(want)), "got '%s'", err);
	ck_assert_int_eq(size_of("theirs.csv"), 8);
	/* --user's own files are not another user's. */
	p.has_user = true;
	p.user_uid = geteuid() == 0 ? OTHER_UID : geteuid();
	ck_assert_int_eq(outfile_open(at("theirs.csv"), 0, &p, NULL, err, sizeof(err)), -EPERM);
	ck_assert_msg(strstr(err, "is writable by every user"), "got '%s'", err);
	ck_assert_int_eq(chmod(at("theirs.csv"), 0640), 0);
	ck_assert_int_ge(outfile_open(at("theirs.csv"), 0, &p, NULL, err, sizeof(err)), 0);
	ck_assert_int_eq(size_of("theirs.csv"), 0);
}
END_TEST

START_TEST(test_writable_and_linked_refused)
{
	struct outfile_policy p = own_policy();

	write_file("mine.csv", "mine\n", 0666);
	ck_assert_int_eq(outfile_open(at("mine.csv"), 0, &p, NULL, err, sizeof(err)), -EPERM);
	ck_assert_msg(strstr(err, "mine.csv: is writable by every user"), "got '%s'", err);
	ck_assert_int_eq(size_of("mine.csv"), 5);
	/* --check: the same verdict, nothing opened. */
	ck_assert_int_eq(outfile_open(at("mine.csv"), OUTFILE_CHECK_ONLY, &p, NULL, err,
				      sizeof(err)), -EPERM);
	ck_assert_int_eq(chmod(at("mine.csv"), 0600), 0);
	ck_assert_int_eq(link(at("mine.csv"), at("other-name")), 0);
	ck_assert_int_eq(outfile_open(at("mine.csv"), 0, &p, NULL, err, sizeof(err)), -EPERM);
	ck_assert_msg(strstr(err, "has more than one hard link"), "got '%s'", err);
	ck_assert_int_eq(size_of("mine.csv"), 5);
	/* Unprivileged: the owner is not checked, the type still is. */
	p.check_owner = false;
	ck_assert_int_ge(outfile_open(at("mine.csv"), OUTFILE_APPEND, &p, NULL, err,
				      sizeof(err)), 0);
}
END_TEST

START_TEST(test_truncate_after_checks)
{
	struct outfile_policy p = own_policy();
	bool empty = true;
	int fd;

	write_file("log.csv", "row\n", 0640);
	fd = outfile_open(at("log.csv"), OUTFILE_APPEND, &p, &empty, err, sizeof(err));
	ck_assert_msg(fd >= 0, "%s", err);
	ck_assert(!empty);
	ck_assert_int_eq(fcntl(fd, F_GETFL) & (O_NONBLOCK | O_APPEND), O_APPEND);
	close(fd);
	ck_assert_int_eq(size_of("log.csv"), 4);
	fd = outfile_open(at("log.csv"), 0, &p, &empty, err, sizeof(err));
	ck_assert_msg(fd >= 0, "%s", err);
	ck_assert(empty);
	ck_assert_int_eq(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
	close(fd);
	ck_assert_int_eq(size_of("log.csv"), 0);
	/* --check creates nothing, and a file still to be created is no problem. */
	ck_assert_int_eq(outfile_open(at("new.csv"), OUTFILE_CHECK_ONLY, &p, NULL, err,
				      sizeof(err)), 0);
	ck_assert_int_eq(access(at("new.csv"), F_OK), -1);
}
END_TEST

START_TEST(test_created_for_user)
{
	struct outfile_policy p = own_policy();
	struct stat st;
	int fd;

	if (geteuid() != 0)
		return;	/* giving a file away needs root */
	p.has_user = true;
	p.user_uid = OTHER_UID;
	p.user_gid = OTHER_UID;
	fd = outfile_open(at("for-user.csv"), 0, &p, NULL, err, sizeof(err));
	ck_assert_msg(fd >= 0, "%s", err);
	close(fd);
	ck_assert_int_eq(stat(at("for-user.csv"), &st), 0);
	ck_assert_uint_eq(st.st_uid, OTHER_UID);
	ck_assert_uint_eq(st.st_gid, OTHER_UID);
	ck_assert_uint_eq(st.st_mode & 07777, 0640);
}
END_TEST

static Suite *outfile_suite(void)
{
	Suite *s = suite_create("outfile");
	TCase *tc = tcase_create("open");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 5);	/* a FIFO open that waits fails by timing out */
	tcase_add_test(tc, test_own_symlink_followed);
	tcase_add_test(tc, test_foreign_symlink_refused);
	tcase_add_test(tc, test_final_symlink_and_loop_refused);
	tcase_add_test(tc, test_fifo_refused);
	tcase_add_test(tc, test_open_dir);
	tcase_add_test(tc, test_foreign_file_refused_untruncated);
	tcase_add_test(tc, test_writable_and_linked_refused);
	tcase_add_test(tc, test_truncate_after_checks);
	tcase_add_test(tc, test_created_for_user);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(outfile_suite());
}
